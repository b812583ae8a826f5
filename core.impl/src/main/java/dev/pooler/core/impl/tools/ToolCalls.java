package dev.pooler.core.impl.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.tools.ToolContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Answers a worker's {@code tool_call} frame ({@code {"tool_call":K,"request":N,"tool":"kv","args":{..},
 * "timeout_ms":T}}) with exactly one {@code tool_reply} frame: the tool's result, or a typed error
 * ({@link ToolError}) naming the tool (and the pool when the pool refuses it). The tool runs on
 * {@code executor}, never on the worker's reader thread; past the timeout (the frame's, at most the pool's
 * request timeout) the answer is {@code TOOL_TIMEOUT}.
 */
public final class ToolCalls {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ToolRegistry registry;
    private final ScheduledExecutorService timer;
    private final Executor executor;

    public ToolCalls(ToolRegistry registry, ScheduledExecutorService timer, Executor executor) {
        this.registry = registry;
        this.timer = timer;
        this.executor = executor;
    }

    public ToolRegistry registry() {
        return registry;
    }

    /**
     * Handles one frame of a worker serving {@code pool}; {@code reply} receives the {@code tool_reply} line
     * (newline included) exactly once, on another thread. {@code maxReplyBytes}: a longer result answers
     * {@code TOOL_FAILED} instead. Returns at once.
     */
    public void handle(JsonObject frame, PoolConfig pool, String workerId, int maxReplyBytes, Consumer<String> reply) {
        executor.execute(() -> dispatch(frame, pool, workerId, maxReplyBytes, reply));
    }

    private void dispatch(JsonObject frame, PoolConfig pool, String workerId, int maxReplyBytes, Consumer<String> reply) {
        long k = longOf(frame.get("tool_call"), -1);
        JsonElement t = frame.get("tool");
        String tool = t != null && t.isJsonPrimitive() && t.getAsJsonPrimitive().isString() ? t.getAsString() : null;
        AtomicBoolean answered = new AtomicBoolean();
        Consumer<JsonObject> once = r -> {
            if (answered.compareAndSet(false, true)) {
                String line = r + "\n";
                if (line.length() > maxReplyBytes && r.has("result")) {
                    line = error(k, new ToolFailure(ToolError.TOOL_FAILED, "the result of tool '" + tool + "' is "
                            + line.length() + " characters, over the pool's limit of " + maxReplyBytes + " (max.reply.bytes)")) + "\n";
                }
                reply.accept(line);
            }
        };
        if (k < 0) {
            return; // a frame without its id cannot be answered; the worker's own timeout ends the wait
        }
        if (tool == null) {
            once.accept(error(k, new ToolFailure(ToolError.UNKNOWN_TOOL, "a tool call needs a string 'tool' name")));
            return;
        }
        if (!pool.allowsTool(tool)) {
            once.accept(error(k, new ToolFailure(ToolError.TOOL_NOT_ALLOWED, "tool '" + tool + "' is not allowed in pool '"
                    + pool.poolId() + "' (tools.allowed: " + (pool.allowedTools().isEmpty() ? "none"
                    : String.join(", ", pool.allowedTools())) + ")")));
            return;
        }
        Duration timeout = timeoutOf(frame, pool);
        JsonElement args = frame.has("args") ? frame.get("args") : JsonNull.INSTANCE;
        ToolContext context = new ToolContext(tool, pool.poolId(), workerId, longOf(frame.get("request"), -1), timeout);
        CompletableFuture<JsonElement> call = registry.invoke(tool, args, context);
        var timeoutTask = timer.schedule(() -> call.completeExceptionally(new ToolFailure(ToolError.TOOL_TIMEOUT,
                "tool '" + tool + "' did not answer within " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        // answered on the thread that completes the call (this one for a tool that answers at once): one hop less;
        // the reply is a short pipe write that the worker's reader thread drains continuously
        call.whenComplete((value, e) -> {
            timeoutTask.cancel(false);
            if (e == null) {
                JsonObject r = frame(k, true);
                r.add("result", value);
                once.accept(r);
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                once.accept(error(k, cause instanceof ToolFailure f ? f
                        : new ToolFailure(ToolError.TOOL_FAILED, "tool '" + tool + "' failed: " + cause)));
            }
        });
    }

    private static Duration timeoutOf(JsonObject frame, PoolConfig pool) {
        long max = pool.resourceLimits().requestTimeout().toMillis();
        long asked = longOf(frame.get("timeout_ms"), DEFAULT_TIMEOUT.toMillis());
        return Duration.ofMillis(Math.max(1, Math.min(asked, max)));
    }

    private static JsonObject frame(long k, boolean ok) {
        JsonObject r = new JsonObject();
        r.addProperty("control", "tool_reply");
        r.addProperty("id", k);
        r.addProperty("ok", ok);
        return r;
    }

    private static JsonObject error(long k, ToolFailure f) {
        JsonObject r = frame(k, false);
        JsonObject e = new JsonObject();
        e.addProperty("type", f.error().name());
        e.addProperty("message", f.getMessage());
        r.add("error", e);
        return r;
    }

    private static long longOf(JsonElement e, long def) {
        try {
            return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() ? e.getAsLong() : def;
        } catch (NumberFormatException ex) {
            return def;
        }
    }
}
