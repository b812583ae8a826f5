package dev.pooler.webconsole.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The HTTP API's own credentials (PID {@value ApiCredentials#PID}). When set, the API accepts these and
 * nothing else; when absent it accepts the Web Console's configured credentials, never admin/admin.
 */
@ObjectClassDefinition(id = ApiCredentials.PID, name = "Pooler HTTP API credentials",
        description = "User and hashed password of Pooler's HTTP API (/pooler/api, /pooler/metrics). Without this "
                + "configuration the API takes the Web Console's configured credentials, and never admin/admin.")
public @interface ApiCredentialsConfiguration {

    @AttributeDefinition(name = "User", description = "The user name HTTP Basic authentication must give.")
    String user();

    @AttributeDefinition(name = "Password hash", description = "(Property .password.hash: private, never a service property.) {algorithm}salt-iterations-base64(hash), the Web "
            + "Console's hashed form: the algorithm (e.g. sha-256) applied iterations times to the UTF-8 bytes of "
            + "salt followed by the password. A plain-text password is refused.")
    String _password_hash();
}
