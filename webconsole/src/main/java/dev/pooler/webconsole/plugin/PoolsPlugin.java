package dev.pooler.webconsole.plugin;

import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;
import dev.pooler.webconsole.admin.ConsoleModel;
import dev.pooler.webconsole.admin.UtilizationSampler;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.webconsole.http.BoundedBody;
import dev.pooler.webconsole.http.ErrorStatus;
import dev.pooler.webconsole.http.JsonReplies;
import dev.pooler.webconsole.http.SameOrigin;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Web Console page "Pools" at {@code /system/console/pooler}. The console authenticates every
 * request; this plugin adds the same-origin check and a JSON content type to its actions, so that no
 * other site can make a logged-in browser switch the strategy or rebalance.
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + PoolsPlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=Pools",
        ServletConstants.PLUGIN_CATEGORY + "=Pooler",
        ServletConstants.PLUGIN_CSS_REFERENCES + "=/" + PoolsPlugin.LABEL + "/res/pooler.css"})
public class PoolsPlugin extends AbstractServlet {

    static final String LABEL = "pooler";
    private static final long serialVersionUID = 1L;
    /** The files this page serves from the bundle, and their types. Nothing else is served. */
    private static final Map<String, String> RESOURCES = Map.of(
            "pooler.js", "text/javascript; charset=utf-8",
            "pooler.css", "text/css; charset=utf-8");
    private static final int ACTION_BODY_LIMIT = 64 * 1024;

    private final transient PoolerAdmin admin;
    private final transient UtilizationSampler sampler;

    @Activate
    public PoolsPlugin(@Reference PoolerAdmin admin, @Reference UtilizationSampler sampler) {
        this.admin = admin;
        this.sampler = sampler;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Optional.ofNullable(req.getPathInfo()).orElse("");
        String prefix = "/" + LABEL;
        if (path.equals(prefix + "/data.json")) {
            JsonObject model = ConsoleModel.build(admin, sampler.history(), System.currentTimeMillis());
            JsonReplies.write(resp, 200, model);
        } else if (path.startsWith(prefix + "/res/")) {
            serveResource(path.substring((prefix + "/res/").length()), resp);
        }
        // Anything else: the console draws its frame around renderContent.
    }

    @Override
    protected URL getResource(String path) {
        return null; // resources are served by serveResource, from a fixed list
    }

    private void serveResource(String name, HttpServletResponse resp) throws IOException {
        String type = RESOURCES.get(name);
        if (type == null) {
            resp.sendError(404);
            return;
        }
        try (InputStream in = PoolsPlugin.class.getResourceAsStream("res/" + name)) {
            if (in == null) {
                resp.sendError(404);
                return;
            }
            byte[] bytes = in.readAllBytes();
            resp.setStatus(200);
            resp.setContentType(type);
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setHeader("Cache-Control", "no-cache");
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
        }
    }

    @Override
    public void renderContent(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object root = req.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT);
        resp.getWriter().write(PoolsPage.render(root == null ? "" : root.toString()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Optional.ofNullable(req.getPathInfo()).orElse("");
        if (!path.equals("/" + LABEL + "/action")) {
            JsonReplies.write(resp, 404, JsonReplies.error("NOT_FOUND", "POST to " + path + ": no such action endpoint"));
            return;
        }
        Optional<String> crossOrigin = SameOrigin.violation(req.getMethod(), req.getHeader("Origin"),
                req.getHeader("Referer"), req.getHeader("Sec-Fetch-Site"), req.getHeader("Host"), req.getScheme());
        if (crossOrigin.isPresent()) {
            JsonReplies.write(resp, 403, JsonReplies.error("FORBIDDEN", crossOrigin.get()));
            return;
        }
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            JsonReplies.write(resp, 415, JsonReplies.error("UNSUPPORTED_MEDIA_TYPE", "actions are posted as application/json"));
            return;
        }
        try {
            String body = BoundedBody.read(req.getInputStream(), req.getContentLengthLong(), ACTION_BODY_LIMIT);
            JsonObject ok = new JsonObject();
            ok.addProperty("ok", true);
            ok.addProperty("message", ConsoleActions.run(admin, body));
            JsonReplies.write(resp, 200, ok);
        } catch (BoundedBody.TooLargeException e) {
            JsonReplies.write(resp, 413, JsonReplies.error("PAYLOAD_TOO_LARGE", e.getMessage()));
        } catch (PoolerException e) {
            JsonReplies.write(resp, ErrorStatus.of(e), JsonReplies.error(e));
        } catch (RuntimeException e) {
            PoolerException pe = PoolerException.of(e);
            JsonReplies.write(resp, ErrorStatus.of(pe), JsonReplies.error(pe));
        }
    }
}
