package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.tools.PoolerTool;
import dev.pooler.api.tools.ToolContext;
import dev.pooler.core.impl.Await;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.tools.ToolRegistry;
import dev.pooler.core.impl.worker.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Python calling Java tools through a pool of real Python workers. */
class ToolsTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE);
    private final ToolRegistry tools = runtime.tools().registry();
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pools.forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
    }

    private PythonPool start(String id, String... allowed) throws InterruptedException {
        PoolConfig.Builder b = PoolConfig.builder().poolId(id).size(1)
                .resourceLimits(new ResourceLimits(100, Duration.ofSeconds(60), 0, 0, 10, Duration.ofSeconds(60), 1 << 20, 1024))
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing,text"));
        if (allowed.length > 0) {
            b.allowedTools(allowed);
        }
        PythonPool p = new PythonPool(b.build(), runtime);
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "workers did not start");
        return p;
    }

    private static Request req(String command, String json) {
        return Request.of(command, JsonParser.parseString(json).getAsJsonObject());
    }

    private static Response run(PythonPool p, Request r) throws Exception {
        return p.execute(r).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static PoolerException failure(PythonPool p, Request r) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> run(p, r));
        return (PoolerException) e.getCause();
    }

    /** A key-value tool that records who called it. */
    private static final class Kv implements PoolerTool {
        final Map<String, String> table = Map.of("pool", "a set of workers", "router", "picks a pool");
        final List<ToolContext> contexts = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<JsonElement> call(JsonElement args, ToolContext context) {
            contexts.add(context);
            String key = args.getAsJsonObject().get("key").getAsString();
            JsonObject r = new JsonObject();
            r.addProperty("key", key);
            r.addProperty("found", table.containsKey(key));
            r.addProperty("value", table.get(key));
            return CompletableFuture.completedFuture(r);
        }
    }

    private void register(String name, PoolerTool tool) {
        tools.bindTool(tool, Map.of(PoolerTool.NAME, name));
    }

    @Test
    void aCommandCallsAJavaToolAndGetsItsResult() throws Exception {
        Kv kv = new Kv();
        register("kv", kv);
        PythonPool p = start("tools-roundtrip");
        JsonObject r = run(p, req("tool", "{\"tool\":\"kv\",\"args\":{\"key\":\"pool\"}}")).result().getAsJsonObject();
        assertEquals(JsonParser.parseString("{\"key\":\"pool\",\"found\":true,\"value\":\"a set of workers\"}"), r.get("result"));
        assertEquals(1, kv.contexts.size());
        ToolContext c = kv.contexts.get(0);
        assertEquals("kv", c.tool());
        assertEquals("tools-roundtrip", c.poolId());
        assertEquals(p.membersSnapshot().get(0).id, c.workerId());
        assertTrue(c.requestId() >= 0);
        assertEquals(Duration.ofSeconds(30), c.timeout());

        JsonObject words = run(p, req("lookup_via_tool", "{\"text\":\"the router and the pool\"}")).result().getAsJsonObject();
        assertEquals(JsonParser.parseString("{\"pool\":\"a set of workers\",\"router\":\"picks a pool\"}"), words.get("found"));
        assertEquals(4, words.get("calls").getAsInt());
        assertEquals(5, kv.contexts.size());

        // many calls within one command, each answered to its own call
        JsonObject many = run(p, req("tool", "{\"tool\":\"kv\",\"args\":{\"key\":\"router\"},\"times\":200}")).result().getAsJsonObject();
        assertEquals(200, many.get("calls").getAsInt());
        assertEquals(205, kv.contexts.size());
    }

    @Test
    void anUnknownToolIsATypedErrorNamingIt() throws Exception {
        register("kv", new Kv());
        PythonPool p = start("tools-unknown");
        PoolerException e = failure(p, req("tool", "{\"tool\":\"nope\"}"));
        assertEquals(ErrorKind.WORKER_ERROR, e.kind());
        assertTrue(e.getMessage().startsWith("UNKNOWN_TOOL: no tool named 'nope' is registered (tools: kv)"), e.getMessage());
        assertEquals(3, run(p, req("echo", "{\"a\":3}")).result().getAsJsonObject().get("a").getAsInt());
    }

    @Test
    void aFailingToolIsATypedErrorWithItsMessage() throws Exception {
        register("db", (args, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("the database is down")));
        register("throws", (args, ctx) -> {
            throw new IllegalArgumentException("bad key");
        });
        PythonPool p = start("tools-failing");
        assertEquals("TOOL_FAILED: tool 'db' failed: the database is down", failure(p, req("tool", "{\"tool\":\"db\"}")).getMessage());
        assertEquals("TOOL_FAILED: tool 'throws' failed: bad key", failure(p, req("tool", "{\"tool\":\"throws\"}")).getMessage());
    }

    @Test
    void aToolThatDoesNotAnswerTimesOutAndItsStageIsCancelled() throws Exception {
        List<CompletableFuture<JsonElement>> stages = new CopyOnWriteArrayList<>();
        register("stuck", (args, ctx) -> {
            CompletableFuture<JsonElement> never = new CompletableFuture<>();
            stages.add(never);
            return never;
        });
        PythonPool p = start("tools-timeout");
        PoolerException e = failure(p, req("tool", "{\"tool\":\"stuck\",\"timeout\":0.3}"));
        assertTrue(e.getMessage().startsWith("TOOL_TIMEOUT: tool 'stuck' did not answer within 300 ms"), e.getMessage());
        Await.until("the stuck tool's stage is cancelled", () -> stages.size() == 1 && stages.get(0).isCancelled());
        // the worker serves on
        assertEquals(1, run(p, req("echo", "{\"a\":1}")).result().getAsJsonObject().get("a").getAsInt());
    }

    @Test
    void aToolNotInToolsAllowedIsRefusedNamingToolAndPoolAndNeverCalled() throws Exception {
        Kv kv = new Kv();
        register("kv", kv);
        register("other", (args, ctx) -> CompletableFuture.completedFuture(new JsonPrimitive("fine")));
        PythonPool p = start("tools-limited", "other");
        PoolerException e = failure(p, req("tool", "{\"tool\":\"kv\",\"args\":{\"key\":\"pool\"}}"));
        assertEquals("TOOL_NOT_ALLOWED: tool 'kv' is not allowed in pool 'tools-limited' (tools.allowed: other)", e.getMessage());
        assertEquals(0, kv.contexts.size());
        assertEquals("fine", run(p, req("tool", "{\"tool\":\"other\"}")).result().getAsJsonObject().get("result").getAsString());

        p.reconfigure(p.config().toBuilder().allowedTools(List.of()).build());
        PoolerException none = failure(p, req("tool", "{\"tool\":\"other\"}"));
        assertEquals("TOOL_NOT_ALLOWED: tool 'other' is not allowed in pool 'tools-limited' (tools.allowed: none)", none.getMessage());
    }

    @Test
    void aToolWhoseServiceGoesAwayMidCallAnswersToolFailed() throws Exception {
        AtomicInteger called = new AtomicInteger();
        PoolerTool slow = (args, ctx) -> {
            called.incrementAndGet();
            return new CompletableFuture<>();
        };
        register("slow", slow);
        PythonPool p = start("tools-gone");
        CompletableFuture<Response> running = p.execute(req("tool", "{\"tool\":\"slow\",\"timeout\":60}")).toCompletableFuture();
        Await.until("the tool is called", () -> called.get() == 1);
        tools.unbindTool(slow, Map.of(PoolerTool.NAME, "slow"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(30, TimeUnit.SECONDS));
        assertEquals("TOOL_FAILED: tool 'slow' went away during the call (its service was unregistered)", e.getCause().getMessage());
        assertTrue(failure(p, req("tool", "{\"tool\":\"slow\"}")).getMessage().startsWith("UNKNOWN_TOOL: "));
    }

    @Test
    void aToolCallDoesNotHoldTheWorkersReaderThread() throws Exception {
        // the tool answers only after the worker has answered a ping, which needs the reader thread
        PythonPool p = start("tools-reader");
        WorkerProcess wp = p.membersSnapshot().get(0).process;
        CompletableFuture<JsonElement> gate = new CompletableFuture<>();
        AtomicInteger called = new AtomicInteger();
        register("gate", (args, ctx) -> {
            called.incrementAndGet();
            return gate;
        });
        CompletableFuture<Response> running = p.execute(req("tool", "{\"tool\":\"gate\"}")).toCompletableFuture();
        Await.until("the gate tool is called", () -> called.get() == 1);
        JsonObject pong = wp.call("ping", null, Duration.ofSeconds(10), scheduler).get(20, TimeUnit.SECONDS);
        assertTrue(pong.get("busy").getAsBoolean());
        gate.complete(new JsonPrimitive("opened"));
        assertEquals("opened", running.get(30, TimeUnit.SECONDS).result().getAsJsonObject().get("result").getAsString());
    }
}
