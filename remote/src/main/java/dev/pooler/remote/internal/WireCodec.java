package dev.pooler.remote.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Priority;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON text that crosses between nodes (see {@code RemotePoolEndpoint}): requests, answer envelopes, pool
 * numbers and pool configurations. Both directions live here so that they cannot drift apart.
 */
final class WireCodec {

    private WireCodec() {
    }

    // ---- requests ----

    static String request(Request r) {
        JsonObject o = new JsonObject();
        o.addProperty("command", r.command());
        if (r.hasArgs()) {
            o.add("args", r.args());
        }
        if (r.sessionId() != null) {
            o.addProperty("session", r.sessionId());
        }
        o.addProperty("priority", r.priority().name());
        if (r.capability() != null) {
            o.addProperty("capability", r.capability());
        }
        if (r.retryable()) {
            o.addProperty("retryable", true);
        }
        if (r.timeout() != null) {
            o.addProperty("timeoutMs", r.timeout().toMillis());
        }
        return o.toString();
    }

    /** Throws {@link PoolerException} ({@code BAD_REQUEST}) naming what is wrong. */
    static Request request(String json) {
        JsonObject o = object(json, "request");
        Request.Builder b = Request.builder(text(o, "command"));
        JsonElement args = o.get("args");
        if (args != null && !args.isJsonNull()) {
            if (!args.isJsonObject()) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, "args: must be a JSON object");
            }
            b.args(args.getAsJsonObject());
        }
        b.session(text(o, "session"));
        String priority = text(o, "priority");
        if (priority != null) {
            b.priority(RequestPriority.parse("priority", priority));
        }
        b.capability(text(o, "capability"));
        b.retryable(o.has("retryable") && o.get("retryable").getAsBoolean());
        if (o.has("timeoutMs")) {
            b.timeout(Duration.ofMillis(o.get("timeoutMs").getAsLong()));
        }
        return b.build();
    }

    // ---- answers ----

    static String answer(Response r) {
        JsonObject o = new JsonObject();
        o.addProperty("ok", true);
        o.addProperty("worker", r.workerId());
        o.add("result", r.result() == null ? JsonNull.INSTANCE : r.result());
        o.addProperty("queuedNanos", r.queuedNanos());
        o.addProperty("serviceNanos", r.serviceNanos());
        return o.toString();
    }

    static String error(Throwable t) {
        PoolerException e = PoolerException.of(t);
        JsonObject o = new JsonObject();
        o.addProperty("ok", false);
        o.addProperty("kind", e.kind().name());
        o.addProperty("message", String.valueOf(e.getMessage()));
        o.addProperty("reachedWorker", e.reachedWorker());
        return o.toString();
    }

    /**
     * The answer of {@code poolId} (the local name, {@code <pool.id>@<node>}) from its envelope, or the
     * {@link PoolerException} it carries, with this side's pool id.
     */
    static Response answer(String json, String poolId, String node) {
        JsonObject o = object(json, "answer");
        if (o.has("ok") && o.get("ok").getAsBoolean()) {
            String worker = text(o, "worker");
            return new Response(poolId, worker == null ? null : worker + "@" + node, o.get("result"),
                    o.get("queuedNanos").getAsLong(), o.get("serviceNanos").getAsLong());
        }
        ErrorKind kind = ErrorKind.valueOf(text(o, "kind"));
        boolean reached = o.has("reachedWorker") ? o.get("reachedWorker").getAsBoolean() : kind.reachesWorker();
        throw new PoolerException(kind, text(o, "message"), poolId, null, reached);
    }

    // ---- numbers ----

    static String stats(PoolStats s) {
        JsonObject o = new JsonObject();
        o.addProperty("state", s.state().name());
        o.addProperty("workers", s.workers());
        o.addProperty("busy", s.busy());
        o.addProperty("idle", s.idle());
        o.addProperty("queued", s.queued());
        o.addProperty("lent", s.lent());
        o.addProperty("borrowed", s.borrowed());
        o.addProperty("completed", s.completed());
        o.addProperty("failed", s.failed());
        o.addProperty("timeouts", s.timeouts());
        o.addProperty("crashes", s.crashes());
        o.addProperty("restarts", s.restarts());
        o.addProperty("meanLatencyMs", finite(s.meanLatencyMs()));
        o.addProperty("p50LatencyMs", finite(s.p50LatencyMs()));
        o.addProperty("p99LatencyMs", finite(s.p99LatencyMs()));
        o.addProperty("meanServiceMs", finite(s.meanServiceMs()));
        o.addProperty("cancelled", s.cancelled());
        o.addProperty("refused", s.refused());
        return o.toString();
    }

    static PoolStats stats(String json, String poolId) {
        JsonObject o = object(json, "stats");
        return new PoolStats(poolId, PoolState.valueOf(text(o, "state")), i(o, "workers"), i(o, "busy"), i(o, "idle"),
                i(o, "queued"), i(o, "lent"), i(o, "borrowed"), l(o, "completed"), l(o, "failed"), l(o, "timeouts"),
                l(o, "crashes"), l(o, "restarts"), d(o, "meanLatencyMs"), d(o, "p50LatencyMs"), d(o, "p99LatencyMs"),
                d(o, "meanServiceMs"), l(o, "cancelled"), l(o, "refused"));
    }

    // ---- configuration ----

    /** What a caller on another node needs to route to the pool; the worker launch spec stays home. */
    static String config(PoolConfig c) {
        JsonObject o = new JsonObject();
        o.addProperty("poolType", c.poolType().name());
        o.addProperty("size", c.size());
        o.addProperty("priority", c.priority().name());
        o.addProperty("sharingPolicy", c.sharingPolicy().name());
        if (c.specialization() != null) {
            o.addProperty("specialization", c.specialization());
        }
        ResourceLimits l = c.resourceLimits();
        JsonObject limits = new JsonObject();
        limits.addProperty("maxQueue", l.maxQueue());
        limits.addProperty("requestTimeoutMs", l.requestTimeout().toMillis());
        limits.addProperty("maxMemoryMb", l.maxMemoryMb());
        limits.addProperty("maxRequestsPerWorker", l.maxRequestsPerWorker());
        limits.addProperty("maxRestarts", l.maxRestarts());
        limits.addProperty("restartWindowMs", l.restartWindow().toMillis());
        limits.addProperty("maxReplyBytes", l.maxReplyBytes());
        limits.addProperty("maxLogLineBytes", l.maxLogLineBytes());
        o.add("limits", limits);
        JsonObject rules = new JsonObject();
        c.affinityRules().forEach(rules::addProperty);
        o.add("affinityRules", rules);
        JsonArray caps = new JsonArray();
        c.capabilities().forEach(caps::add);
        o.add("capabilities", caps);
        return o.toString();
    }

    /** The configuration of the imported pool {@code poolId} ({@code <pool.id>@<node>}) serving in {@code zone}. */
    static PoolConfig config(String json, String poolId, String zone) {
        JsonObject o = object(json, "config");
        JsonObject l = o.getAsJsonObject("limits");
        ResourceLimits limits = new ResourceLimits(l.get("maxQueue").getAsInt(),
                Duration.ofMillis(l.get("requestTimeoutMs").getAsLong()), l.get("maxMemoryMb").getAsLong(),
                l.get("maxRequestsPerWorker").getAsLong(), l.get("maxRestarts").getAsInt(),
                Duration.ofMillis(l.get("restartWindowMs").getAsLong()), l.get("maxReplyBytes").getAsInt(),
                l.get("maxLogLineBytes").getAsInt());
        Map<String, String> rules = new LinkedHashMap<>();
        if (o.has("affinityRules")) {
            o.getAsJsonObject("affinityRules").entrySet().forEach(e -> rules.put(e.getKey(), e.getValue().getAsString()));
        }
        List<String> caps = o.getAsJsonArray("capabilities").asList().stream().map(JsonElement::getAsString).toList();
        return PoolConfig.builder()
                .poolId(poolId)
                .poolType(PoolType.valueOf(text(o, "poolType").toUpperCase(Locale.ROOT)))
                .size(o.get("size").getAsInt())
                .priority(Priority.valueOf(text(o, "priority")))
                .sharingPolicy(SharingPolicy.valueOf(text(o, "sharingPolicy")))
                .specialization(text(o, "specialization"))
                .resourceLimits(limits)
                .affinityRules(rules)
                .geographicZone(zone)
                .capabilities(caps)
                .workerSpec(WorkerSpec.defaults())
                .build();
    }

    // ---- helpers ----

    private static JsonObject object(String json, String what) {
        if (json == null) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, what + ": missing");
        }
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, what + ": must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, what + ": not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static int i(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsInt() : 0;
    }

    private static long l(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsLong() : 0L;
    }

    private static double d(JsonObject o, String name) {
        return o.has(name) ? o.get(name).getAsDouble() : 0.0;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }
}
