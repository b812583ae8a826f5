package dev.pooler.webconsole.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Response;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The JSON bodies of the HTTP API: results, typed errors, and how they are written. */
public final class JsonReplies {

    /** Escapes {@code < > & = '} as unicode escapes: a JSON body can never be read as markup. */
    static final Gson GSON = new GsonBuilder().create();
    /** The same, keeping null members: a worker's result reaches the client as the worker gave it. */
    static final Gson REPLY_GSON = new GsonBuilder().serializeNulls().create();
    /** An error message quotes what it was given (a pool name, a command); a huge one is cut to about this. */
    static final int MAX_MESSAGE_CHARS = 2000;

    private JsonReplies() {
    }

    public static JsonObject result(Response r) {
        JsonObject o = new JsonObject();
        o.addProperty("ok", true);
        o.add("result", r.result());
        o.addProperty("pool", r.poolId());
        o.addProperty("worker", r.workerId());
        o.addProperty("queuedMs", r.queuedNanos() / 1e6);
        o.addProperty("serviceMs", r.serviceNanos() / 1e6);
        return o;
    }

    public static JsonObject error(PoolerException e) {
        JsonObject o = error(e.kind().name(), e.getMessage());
        if (e.poolId() != null) {
            o.getAsJsonObject("error").addProperty("pool", e.poolId());
        }
        return o;
    }

    /** {@code {"ok":false,"error":{"kind":…,"message":…}}}. */
    public static JsonObject error(String kind, String message) {
        JsonObject err = new JsonObject();
        err.addProperty("kind", kind);
        err.addProperty("message", clip(String.valueOf(message)));
        JsonObject o = new JsonObject();
        o.addProperty("ok", false);
        o.add("error", err);
        return o;
    }

    /** Writes a reply on the calling thread; blocks while the client does not read. */
    public static void write(HttpServletResponse resp, int status, JsonElement body) throws IOException {
        headers(resp, status);
        resp.getWriter().write(GSON.toJson(body));
    }

    /**
     * Writes the reply of an asynchronous request, then completes it. Nothing here runs on the caller's thread (it may
     * be a worker's reader); when the exchange is over already (timed out, client gone) it does nothing.
     */
    public static void send(AsyncContext async, int status, JsonElement body) {
        try {
            // On a container thread, then by a WriteListener: a client that never reads holds its connection, no thread.
            async.start(() -> startWriting(async, status, body));
        } catch (RuntimeException e) {
            // the exchange is over: nothing left to tell anyone
        }
    }

    private static void startWriting(AsyncContext async, int status, JsonElement body) {
        try {
            int code = status;
            byte[] bytes;
            try {
                bytes = REPLY_GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) { // a value JSON cannot carry: the client still gets an answer
                code = 500;
                bytes = GSON.toJson(error("INTERNAL_ERROR", "the reply could not be written as JSON: " + e.getMessage()))
                        .getBytes(StandardCharsets.UTF_8);
            }
            HttpServletResponse resp = (HttpServletResponse) async.getResponse();
            headers(resp, code);
            resp.setContentLength(bytes.length);
            ServletOutputStream out = resp.getOutputStream();
            out.setWriteListener(new Drain(async, out, bytes));
        } catch (IOException | RuntimeException e) {
            completeQuietly(async); // timed out or gone meanwhile
        }
    }

    /** Completes an exchange that may have been completed (or timed out) already. */
    static void completeQuietly(AsyncContext async) {
        try {
            async.complete();
        } catch (RuntimeException e) {
            // completed already
        }
    }

    public static String toJson(JsonElement e) {
        return GSON.toJson(e);
    }

    private static void headers(HttpServletResponse resp, int status) {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
    }

    /** Cut in the middle: a message often ends with what the client needs (e.g. the pools that exist). */
    private static String clip(String message) {
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        int head = MAX_MESSAGE_CHARS / 2;
        int tail = message.length() - MAX_MESSAGE_CHARS / 2;
        if (Character.isHighSurrogate(message.charAt(head - 1))) {
            head--;
        }
        if (Character.isLowSurrogate(message.charAt(tail))) {
            tail++;
        }
        return message.substring(0, head) + " …(" + (tail - head) + " characters left out)… " + message.substring(tail);
    }

    /** Hands the whole body to the container at once and completes when the container says it is out. */
    private static final class Drain implements WriteListener {
        private final AsyncContext async;
        private final ServletOutputStream out;
        private final byte[] bytes;
        private boolean handedOver;

        Drain(AsyncContext async, ServletOutputStream out, byte[] bytes) {
            this.async = async;
            this.out = out;
            this.bytes = bytes;
        }

        @Override
        public void onWritePossible() throws IOException {
            if (!handedOver) {
                handedOver = true;
                out.write(bytes);
            }
            if (out.isReady()) { // false while the bytes are on their way: called again once they are out
                completeQuietly(async);
            }
        }

        @Override
        public void onError(Throwable t) {
            completeQuietly(async);
        }
    }
}
