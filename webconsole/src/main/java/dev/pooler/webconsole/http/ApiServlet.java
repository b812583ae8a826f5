package dev.pooler.webconsole.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.webconsole.admin.ConsoleModel;
import dev.pooler.webconsole.admin.PoolerAdmin;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code POST /pooler/api/execute} runs a request through the router and answers its result or typed error
 * (status by {@link ErrorStatus}); {@code GET /pooler/api/pools} lists the pools with their stats.
 * Credentials and the same-origin check are {@link ApiContext}'s.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(ApiContext.SELECT)
@HttpWhiteboardServletPattern("/api/*")
@HttpWhiteboardServletAsyncSupported
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** A request is never held longer than this, whatever the pool's own timeout (pools answer well before). */
    static final long ASYNC_TIMEOUT_MS = 10 * 60_000L;

    private final transient PoolerAdmin admin;
    private final int bodyLimit;

    @Activate
    public ApiServlet(@Reference PoolerAdmin admin) {
        this(admin, BoundedBody.DEFAULT_LIMIT);
    }

    ApiServlet(PoolerAdmin admin, int bodyLimit) {
        this.admin = admin;
        this.bodyLimit = bodyLimit;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = path(req);
        if (path.equals("/pools")) {
            JsonArray pools = new JsonArray();
            for (Pool p : admin.pools()) {
                try {
                    pools.add(ConsoleModel.pool(p));
                } catch (RuntimeException e) {
                    // stopping right now: leave it out
                }
            }
            JsonObject body = new JsonObject();
            body.add("pools", pools);
            JsonReplies.write(resp, 200, body);
        } else if (path.equals("/execute")) {
            resp.setHeader("Allow", "POST");
            JsonReplies.write(resp, 405, JsonReplies.error("METHOD_NOT_ALLOWED", "use POST for /pooler/api/execute"));
        } else {
            notFound(resp, path);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = path(req);
        if (path.equals("/pools")) {
            resp.setHeader("Allow", "GET");
            JsonReplies.write(resp, 405, JsonReplies.error("METHOD_NOT_ALLOWED", "use GET for /pooler/api/pools"));
            return;
        }
        if (!path.equals("/execute")) {
            notFound(resp, path);
            return;
        }
        Request request;
        try {
            request = readExecute(req);
        } catch (BoundedBody.TooLargeException e) {
            JsonReplies.write(resp, 413, JsonReplies.error("PAYLOAD_TOO_LARGE", e.getMessage()));
            return;
        } catch (PoolerException e) {
            JsonReplies.write(resp, ErrorStatus.of(e), JsonReplies.error(e));
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(ASYNC_TIMEOUT_MS);
        AtomicBoolean answered = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override public void onTimeout(AsyncEvent event) throws IOException {
                if (answered.compareAndSet(false, true)) {
                    reply((HttpServletResponse) event.getAsyncContext().getResponse(),
                            new PoolerException(ErrorKind.TIMEOUT, "no answer within " + ASYNC_TIMEOUT_MS + " ms"));
                    event.getAsyncContext().complete();
                }
            }
            @Override public void onComplete(AsyncEvent event) { }
            @Override public void onError(AsyncEvent event) { answered.set(true); }
            @Override public void onStartAsync(AsyncEvent event) { }
        });
        admin.execute(request).whenComplete((response, error) -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                HttpServletResponse r = (HttpServletResponse) async.getResponse();
                if (error == null) {
                    JsonReplies.write(r, 200, JsonReplies.result(response));
                } else {
                    reply(r, PoolerException.of(error));
                }
            } catch (IOException | RuntimeException e) {
                // the client went away: nothing left to tell it
            } finally {
                async.complete();
            }
        });
    }

    private Request readExecute(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "Content-Type must be application/json, was " + type);
        }
        String body = BoundedBody.read(req.getInputStream(), req.getContentLengthLong(), bodyLimit);
        return ExecuteCall.parse(body);
    }

    private static void reply(HttpServletResponse resp, PoolerException e) throws IOException {
        JsonReplies.write(resp, ErrorStatus.of(e), JsonReplies.error(e));
    }

    private static void notFound(HttpServletResponse resp, String path) throws IOException {
        JsonReplies.write(resp, 404, JsonReplies.error("NOT_FOUND",
                "no such endpoint: /pooler/api" + path + " (there are POST /pooler/api/execute and GET /pooler/api/pools)"));
    }

    private static String path(HttpServletRequest req) {
        String p = req.getPathInfo();
        return p == null ? "/" : p;
    }
}
