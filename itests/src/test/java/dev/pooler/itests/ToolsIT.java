package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.tools.PoolerTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

/**
 * Python calling Java tools in Felix: a tool published as a service ({@code pooler.tool=…}) is called from a real
 * worker's command; the example bundle {@code examples/tool-kv} serves {@code text.lookup_via_tool} and leaves with its
 * bundle; a tool whose service goes away mid-call answers {@code TOOL_FAILED}; {@code tools.allowed} refuses others.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ToolsIT extends PoolerTestSupport {

    private Bundle kvBundle;
    private ServiceRegistration<PoolerTool> registration;

    @After
    public void removeTools() throws Exception {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException gone) {
                // unregistered by the test
            }
        }
        if (kvBundle != null && kvBundle.getState() != Bundle.UNINSTALLED) {
            kvBundle.uninstall();
        }
    }

    private ServiceRegistration<PoolerTool> register(String name, PoolerTool tool) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(PoolerTool.NAME, name);
        registration = context.registerService(PoolerTool.class, tool, p);
        return registration;
    }

    private static Request tool(String name, JsonObject args) {
        JsonObject a = new JsonObject();
        a.addProperty("tool", name);
        a.add("args", args);
        return Request.of("tool", a);
    }

    @Test
    public void aToolServiceIsCalledFromARealWorkerAndRefusedWhereNotAllowed() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        register("upper", (args, ctx) -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new JsonPrimitive(
                    args.getAsJsonObject().get("text").getAsString().toUpperCase() + " from " + ctx.poolId()));
        });
        createPool("it_tools", Map.of("size", 1, "adapter", "bench,text"));
        Pool pool = awaitPool("it_tools", 1);
        Response r = answer(pool.execute(tool("upper", json("text", "hello"))).toCompletableFuture());
        assertEquals("HELLO from it_tools", r.result().getAsJsonObject().get("result").getAsString());
        assertEquals(1, calls.get());

        createPool("it_tools_limited", Map.of("size", 1, "adapter", "bench", "tools.allowed", "kv"));
        Pool limited = awaitPool("it_tools_limited", 1);
        PoolerException e = failure(limited.execute(tool("upper", json("text", "hello"))).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_ERROR, e.kind());
        assertEquals("TOOL_NOT_ALLOWED: tool 'upper' is not allowed in pool 'it_tools_limited' (tools.allowed: kv)", e.getMessage());
        assertEquals(1, calls.get());
    }

    @Test
    public void theExampleKvBundleServesLookupViaToolAndLeavesWithItsBundle() throws Exception {
        Path jar = Path.of(System.getProperty("pooler.toolkv", "pooler.toolkv is not set"));
        assertTrue("the example tool bundle was built: " + jar, Files.isRegularFile(jar));
        kvBundle = context.installBundle(jar.toUri().toString());
        kvBundle.start();
        Await.until("the kv tool is registered", () -> {
            try {
                return !context.getServiceReferences(PoolerTool.class, "(" + PoolerTool.NAME + "=kv)").isEmpty();
            } catch (org.osgi.framework.InvalidSyntaxException ex) {
                throw new IllegalStateException(ex);
            }
        });
        createPool("it_tools_kv", Map.of("size", 1, "adapter", "text"));
        Pool pool = awaitPool("it_tools_kv", 1);
        JsonObject r = answer(pool.execute(Request.of("lookup_via_tool", json("text", "Every pool has a router")))
                .toCompletableFuture()).result().getAsJsonObject();
        assertEquals("a set of worker processes", r.getAsJsonObject("found").get("pool").getAsString());
        assertEquals("picks a pool for each request", r.getAsJsonObject("found").get("router").getAsString());
        assertEquals(5, r.get("calls").getAsInt());

        kvBundle.stop();
        PoolerException e = failure(pool.execute(Request.of("lookup_via_tool", json("text", "pool"))).toCompletableFuture());
        assertTrue(e.getMessage(), e.getMessage().startsWith("UNKNOWN_TOOL: no tool named 'kv' is registered"));
    }

    @Test
    public void aToolWhoseServiceGoesAwayMidCallAnswersToolFailedAndTheWorkerServesOn() throws Exception {
        AtomicInteger called = new AtomicInteger();
        CompletableFuture<JsonElement> never = new CompletableFuture<>();
        ServiceRegistration<PoolerTool> reg = register("slow", (args, ctx) -> {
            called.incrementAndGet();
            return never;
        });
        createPool("it_tools_gone", Map.of("size", 1, "adapter", "bench"));
        Pool pool = awaitPool("it_tools_gone", 1);
        long pid = readyPids(pool).iterator().next();
        JsonObject args = json("tool", "slow");
        args.addProperty("timeout", 60);
        CompletableFuture<Response> running = pool.execute(Request.of("tool", args)).toCompletableFuture();
        Await.until("the tool is called", () -> called.get() == 1);
        reg.unregister();
        PoolerException e = failure(running);
        assertEquals("TOOL_FAILED: tool 'slow' went away during the call (its service was unregistered)", e.getMessage());
        assertTrue("the tool's stage was cancelled", never.isCancelled());
        JsonObject echo = answer(pool.execute(Request.of("echo", json("after", "gone"))).toCompletableFuture())
                .result().getAsJsonObject();
        assertEquals("gone", echo.get("after").getAsString());
        assertEquals(pid, (long) readyPids(pool).iterator().next());
        assertEquals(0, pool.stats().crashes());
    }
}
