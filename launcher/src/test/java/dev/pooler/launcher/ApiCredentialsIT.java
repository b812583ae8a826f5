package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API's own credentials (configuration dev.pooler.api.credentials, here a conf/ file): once set they
 * are the only ones the API takes, while the Web Console keeps its own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiCredentialsIT {

    private static final String CONSOLE = "ops:console-password-for-this-test";
    private static final String API = "api-client:api-password-for-this-test";

    @TempDir
    Path tmp;

    private LaunchedPooler pooler;

    @AfterEach
    void kill() {
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    void theApiTakesItsOwnCredentialsAndTheConsoleKeepsItsOwn() throws Exception {
        Path home = LaunchedPooler.homeWithOneWorker(tmp.resolve("home"));
        Files.writeString(home.resolve("conf/dev.pooler.api.credentials.cfg"),
                "user=api-client\n.password.hash=" + hashed("s4lt", 1000, "api-password-for-this-test") + "\n");
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1,
                Map.of("POOLER_CONSOLE_USER", "ops", "POOLER_CONSOLE_PASSWORD", "console-password-for-this-test"), List.of());
        pooler.awaitConsole();
        pooler.awaitTrue(() -> pooler.status("GET", "/pooler/api/pools", API, Map.of()) == 200,
                "the API answering its own credentials");
        assertEquals(401, pooler.status("GET", "/pooler/api/pools", CONSOLE, Map.of()), "the console's are not the API's");
        assertEquals(401, pooler.status("GET", "/pooler/api/pools", "admin:admin", Map.of()));
        assertEquals(401, pooler.status("GET", "/pooler/api/pools", null, Map.of()));
        assertEquals(200, pooler.status("GET", "/system/console/bundles.json", CONSOLE, Map.of()), "the console keeps its own");
        assertEquals(401, pooler.status("GET", "/system/console/bundles.json", API, Map.of()));
    }

    /** The Web Console's hashed form, {sha-256}salt-iterations-base64. */
    private static String hashed(String salt, int iterations, String password) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < iterations; i++) {
            bytes = md.digest(bytes);
        }
        return "{sha-256}" + salt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
    }
}
