package dev.pooler.webconsole.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

/**
 * The servlet context {@code /pooler} of the HTTP API. Before any of its servlets runs, it asks for the
 * API's credentials (HTTP Basic): its own configuration {@value ApiCredentials#PID} when there is one,
 * else the Web Console's configured ones; and it refuses a state-changing request that comes from another
 * origin. Nothing is served without configured credentials, and admin/admin never opens it.
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE, configurationPid = ApiCredentials.PID)
@Designate(ocd = ApiCredentialsConfiguration.class)
@HttpWhiteboardContext(name = ApiContext.NAME, path = "/pooler")
public class ApiContext extends ServletContextHelper {

    public static final String NAME = "dev.pooler.api";
    private static final System.Logger LOG = System.getLogger(ApiContext.class.getName());
    /** For servlets: selects this context. */
    public static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String REALM = "Pooler";

    private final BundleContext bundleContext;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    private volatile ApiCredentials own;

    @Activate
    public ApiContext(BundleContext bundleContext, Map<String, Object> properties) {
        super(bundleContext.getBundle());
        this.bundleContext = bundleContext;
        modified(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        ApiCredentials next = ApiCredentials.from(properties);
        if (next.refusal() != null) {
            LOG.log(System.Logger.Level.WARNING, next.refusal());
        }
        own = next;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> refusal = authenticate(request.getHeader("Authorization"));
        if (refusal.isPresent()) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            JsonReplies.write(response, HttpServletResponse.SC_UNAUTHORIZED, JsonReplies.error("UNAUTHORIZED", refusal.get()));
            return false;
        }
        Optional<String> crossOrigin = SameOrigin.violation(request);
        if (crossOrigin.isPresent()) {
            JsonReplies.write(response, HttpServletResponse.SC_FORBIDDEN, JsonReplies.error("FORBIDDEN", crossOrigin.get()));
            return false;
        }
        request.setAttribute(REMOTE_USER, ConsoleCredentials.parseBasic(request.getHeader("Authorization")).map(a -> a[0]).orElse(null));
        request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
        return true;
    }

    /** Empty when the Authorization header carries the console's credentials, else why not. */
    Optional<String> authenticate(String authorization) {
        ApiCredentials mine = own;
        if (!mine.absent()) {
            return mine.refusal() != null ? Optional.of(mine.refusal()) : check(mine.credentials(), authorization);
        }
        if (bundleContext.getProperty(ConsoleCredentials.PROVIDERS_PROPERTY) != null) {
            return Optional.of("the Web Console uses security providers (" + ConsoleCredentials.PROVIDERS_PROPERTY
                    + "); the Pooler API accepts only the console's basic credentials");
        }
        Optional<ConsoleCredentials> configured = ConsoleCredentials.resolve(bundleContext::getProperty, consoleConfiguration());
        if (configured.isEmpty() || configured.get().isDefault()) {
            return Optional.of("no credentials are configured (" + ApiCredentials.PID + ", or the Web Console's "
                    + ConsoleCredentials.PASSWORD_PROPERTY + "): the Pooler API is closed");
        }
        return check(configured.get(), authorization);
    }

    private static Optional<String> check(ConsoleCredentials configured, String authorization) {
        Optional<String[]> given = ConsoleCredentials.parseBasic(authorization);
        if (given.isEmpty()) {
            return Optional.of("credentials required (HTTP Basic)");
        }
        if (!configured.accept(given.get()[0], given.get()[1])) {
            return Optional.of("wrong user or password");
        }
        return Optional.empty();
    }

    private Dictionary<String, Object> consoleConfiguration() {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return null;
        }
        try {
            Configuration[] found = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + ConsoleCredentials.CONSOLE_PID + ")");
            return found == null || found.length == 0 ? null : found[0].getProperties();
        } catch (IOException | InvalidSyntaxException e) {
            return null;
        }
    }
}
