package dev.pooler.webconsole.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Response;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The JSON bodies of the HTTP API: results, typed errors, and how they are written. */
public final class JsonReplies {

    /** Escapes {@code < > & = '} as unicode escapes: a JSON body can never be read as markup. */
    static final Gson GSON = new GsonBuilder().create();

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
        err.addProperty("message", message);
        JsonObject o = new JsonObject();
        o.addProperty("ok", false);
        o.add("error", err);
        return o;
    }

    public static void write(HttpServletResponse resp, int status, JsonElement body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getWriter().write(GSON.toJson(body));
    }

    public static String toJson(JsonElement e) {
        return GSON.toJson(e);
    }
}
