package dev.pooler.webconsole.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.webconsole.admin.ConsoleModel;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.api.session.SessionState;
import dev.pooler.api.session.SessionStore;
import java.util.Optional;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
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
        } else if (path.equals("/sessions")) {
            JsonReplies.write(resp, 200, sessions());
        } else if (path.equals("/execute")) {
            resp.setHeader("Allow", "POST");
            JsonReplies.write(resp, 405, JsonReplies.error("METHOD_NOT_ALLOWED", "use POST for /pooler/api/execute"));
        } else {
            notFound(resp, path);
        }
    }

    /** {@code DELETE /pooler/api/sessions/{id}}: forgets a session's state. */
    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = path(req);
        if (!path.startsWith("/sessions/") || path.length() == "/sessions/".length()) {
            notFound(resp, path);
            return;
        }
        String id = path.substring("/sessions/".length());
        Optional<SessionStore> store = admin.sessionStore();
        if (store.isEmpty()) {
            JsonReplies.write(resp, 503, JsonReplies.error("SHUTTING_DOWN", "the session store (dev.pooler.core.impl) is not running"));
        } else if (store.get().delete(id)) {
            JsonObject body = new JsonObject();
            body.addProperty("ok", true);
            body.addProperty("deleted", id);
            JsonReplies.write(resp, 200, body);
        } else {
            JsonReplies.write(resp, 404, JsonReplies.error("NOT_FOUND", "no session '" + clip(id) + "' in the session store"));
        }
    }

    private JsonObject sessions() {
        JsonObject body = new JsonObject();
        JsonArray list = new JsonArray();
        admin.sessionStore().ifPresent(store -> {
            body.addProperty("ttlSeconds", store.ttlSeconds());
            body.addProperty("maxSessions", store.maxSessions());
            for (SessionState s : store.sessions()) {
                JsonObject o = new JsonObject();
                o.addProperty("id", s.sessionId());
                o.addProperty("version", s.version());
                o.addProperty("sizeChars", s.size());
                o.addProperty("requests", s.requests());
                o.addProperty("createdMillis", s.createdMillis());
                o.addProperty("lastAccessMillis", s.lastAccessMillis());
                list.add(o);
            }
        });
        body.add("sessions", list);
        return body;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = path(req);
        if (path.equals("/pools")) {
            resp.setHeader("Allow", "GET");
            JsonReplies.write(resp, 405, JsonReplies.error("METHOD_NOT_ALLOWED", "use GET for /pooler/api/pools"));
            return;
        }
        if (path.startsWith("/cancel/")) {
            cancel(path.substring("/cancel/".length()), resp);
            return;
        }
        boolean streaming = path.equals("/stream");
        if (!path.equals("/execute") && !streaming) {
            notFound(resp, path);
            return;
        }
        Refusal refusal = contentTypeProblem(req.getContentType())
                .map(problem -> new Refusal(400, JsonReplies.error(ErrorKind.BAD_REQUEST.name(), problem))).orElse(null);
        BoundedBody body = null;
        try {
            body = new BoundedBody(req.getContentLengthLong(), bodyLimit);
        } catch (BoundedBody.TooLargeException e) {
            refusal = new Refusal(413, JsonReplies.error("PAYLOAD_TOO_LARGE", e.getMessage()));
        }
        if (refusal != null && (req.getContentLengthLong() > drainLimit() || "100-continue".equalsIgnoreCase(req.getHeader("Expect")))) {
            // none of the body is on its way yet (100-continue), or more than is worth reading: refused at once
            resp.setHeader("Connection", "close");
            JsonReplies.write(resp, refusal.status(), refusal.body());
            return;
        }
        new Exchange(req.startAsync(), body, refusal, streaming ? accepts(req, "text/event-stream") ? Reply.SSE : Reply.NDJSON
                : Reply.JSON).begin();
    }

    /** How an exchange answers: one JSON reply, or a stream of lines. */
    private enum Reply { JSON, NDJSON, SSE }

    private static boolean accepts(HttpServletRequest req, String type) {
        String accept = req.getHeader("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(type);
    }

    /** {@code POST /pooler/api/cancel/{id}}: cancels a request (a stream's id is the first line of its reply). */
    private void cancel(String idText, HttpServletResponse resp) throws IOException {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            JsonReplies.write(resp, 400, JsonReplies.error(ErrorKind.BAD_REQUEST.name(), "cancel: the id must be a number, was '"
                    + clip(idText) + "'"));
            return;
        }
        if (admin.cancel(id)) {
            JsonObject body = new JsonObject();
            body.addProperty("ok", true);
            body.addProperty("cancelled", id);
            JsonReplies.write(resp, 200, body);
        } else {
            JsonReplies.write(resp, 404, JsonReplies.error("NOT_FOUND", "no request " + id + " is running or queued"));
        }
    }

    /**
     * A refused body is still read (and dropped) up to this many bytes: a client that is still sending when the refusal
     * comes would otherwise have its connection reset, and lose the refusal with it.
     */
    long drainLimit() {
        return 4L * bodyLimit;
    }

    /** An answer known before the body is read; the body is then read only to be dropped. */
    private record Refusal(int status, JsonElement body) {
    }

    /** Empty when the Content-Type says JSON (in UTF-8, the only charset JSON has), else what is wrong with it. */
    static Optional<String> contentTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.of("Content-Type must be application/json, was none");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return Optional.of("Content-Type must be application/json, was " + clip(contentType));
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param.length == 2 && param[0].strip().equalsIgnoreCase("charset")) {
                String charset = param[1].strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return Optional.of("Content-Type: the charset of JSON is UTF-8, was " + clip(charset));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One execute call from its first body byte to its reply. The body is read without blocking (a slow sender holds
     * only its connection), and the call is answered exactly once: by its result or error, by the async timeout, or
     * not at all when the client is gone.
     */
    private final class Exchange implements ReadListener, AsyncListener {
        private final AsyncContext async;
        private final BoundedBody body;
        private final ServletInputStream in;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final byte[] buffer = new byte[8192];
        /** Used by the container's read callbacks only, one at a time. */
        private Refusal refusal;
        private long received;

        private final Reply reply;

        /** @param body null when refused already (a declared length over the limit) */
        Exchange(AsyncContext async, BoundedBody body, Refusal refusal, Reply reply) throws IOException {
            this.async = async;
            this.reply = reply;
            this.body = body;
            this.refusal = refusal;
            this.in = async.getRequest().getInputStream();
        }

        void begin() {
            async.setTimeout(ASYNC_TIMEOUT_MS);
            async.addListener(this);
            in.setReadListener(this);
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!answered.get() && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                received += n;
                if (refusal == null) {
                    try {
                        body.append(buffer, 0, n);
                    } catch (BoundedBody.TooLargeException e) {
                        refusal = new Refusal(413, JsonReplies.error("PAYLOAD_TOO_LARGE", e.getMessage()));
                    }
                }
                if (refusal != null && received > drainLimit()) {
                    if (answered.compareAndSet(false, true)) {
                        // The rest stays unread, so the container closes the connection after the reply; said here,
                        // as the reply is committed before the container could add it, a client does not reuse it.
                        ((HttpServletResponse) async.getResponse()).setHeader("Connection", "close");
                        JsonReplies.send(async, refusal.status(), refusal.body());
                    }
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            if (answered.get()) {
                return;
            }
            if (refusal != null) {
                answer(refusal.status(), refusal.body());
                return;
            }
            if (reply != Reply.JSON) {
                try {
                    dev.pooler.api.Request request = ExecuteCall.parse(body.text());
                    if (answered.compareAndSet(false, true)) {
                        new StreamReply(async, admin.stream(request), reply == Reply.SSE).start();
                    }
                } catch (RuntimeException | IOException e) {
                    answer(PoolerException.of(e));
                }
                return;
            }
            try {
                admin.execute(ExecuteCall.parse(body.text())).whenComplete((response, error) -> {
                    if (error == null) {
                        answer(200, JsonReplies.result(response));
                    } else {
                        answer(PoolerException.of(error));
                    }
                });
            } catch (RuntimeException e) {
                answer(PoolerException.of(e));
            }
        }

        /** Reading the body failed: the client is gone or stopped sending; if it still listens, it learns why. */
        @Override
        public void onError(Throwable t) {
            answer(new PoolerException(ErrorKind.BAD_REQUEST, "the body could not be read: " + t));
        }

        /** On the container's timeout thread, the only one that may complete the exchange now. */
        @Override
        public void onTimeout(AsyncEvent event) {
            if (answered.compareAndSet(false, true)) {
                try {
                    PoolerException e = new PoolerException(ErrorKind.TIMEOUT, "no answer within " + ASYNC_TIMEOUT_MS + " ms");
                    JsonReplies.write((HttpServletResponse) async.getResponse(), ErrorStatus.of(e), JsonReplies.error(e));
                } catch (IOException | RuntimeException e) {
                    // the client went away: nothing left to tell it
                }
            }
            JsonReplies.completeQuietly(async); // also ends a reply still waiting, after all this time, for its reader
        }

        /** The connection failed: no answer can reach the client any more. */
        @Override
        public void onError(AsyncEvent event) {
            answered.set(true);
            JsonReplies.completeQuietly(async);
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        private void answer(PoolerException e) {
            answer(ErrorStatus.of(e), JsonReplies.error(e));
        }

        private void answer(int status, JsonElement reply) {
            if (answered.compareAndSet(false, true)) {
                JsonReplies.send(async, status, reply);
            }
        }
    }

    private static void notFound(HttpServletResponse resp, String path) throws IOException {
        JsonReplies.write(resp, 404, JsonReplies.error("NOT_FOUND",
                "no such endpoint: /pooler/api" + clip(path) + " (there are POST /pooler/api/execute, GET /pooler/api/pools,"
                        + " GET /pooler/api/sessions and DELETE /pooler/api/sessions/{id})"));
    }

    private static String clip(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    private static String path(HttpServletRequest req) {
        String p = req.getPathInfo();
        return p == null ? "/" : p;
    }
}
