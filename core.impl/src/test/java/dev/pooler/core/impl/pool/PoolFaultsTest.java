package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.events.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults a pool must absorb: hostile replies, hung and bloated workers, races with a stop. Real Python workers. */
class PoolFaultsTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE)
            .withHeartbeat(Duration.ofMillis(500));
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pools.forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
    }

    private PythonPool start(String id, int size, ResourceLimits limits) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size).resourceLimits(limits)
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing")).build(), runtime);
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "workers did not start");
        return p;
    }

    private static ResourceLimits limits(long timeoutMs, long maxMb, int maxReplyBytes) {
        return new ResourceLimits(100, Duration.ofMillis(timeoutMs), maxMb, 0, 10, Duration.ofSeconds(60),
                maxReplyBytes, 1024);
    }

    private static PoolerException error(CompletableFuture<Response> f) {
        try {
            Response r = f.get(60, TimeUnit.SECONDS);
            throw new AssertionError("expected an error, got " + r);
        } catch (Exception e) {
            return PoolerException.of(e);
        }
    }


    /**
     * Worker processes of pool {@code id} (not their guardians): the JVM's children started for it (spawned), and
     * the children of its fork template (forked).
     */
    static List<ProcessHandle> workerProcesses(String id) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.current().children().filter(h -> args(h).contains("--pool " + id)).forEach(h -> {
            if (args(h).contains("--template")) {
                h.children().filter(ProcessHandle::isAlive).forEach(found::add);
            } else {
                found.add(h);
            }
        });
        return found;
    }

    /** Every process of pool {@code id} with its fork template, if it has one. */
    static List<ProcessHandle> poolProcesses(String id) {
        List<ProcessHandle> found = new ArrayList<>(workerProcesses(id));
        ProcessHandle.current().children().filter(h -> args(h).contains("--template") && args(h).contains("--pool " + id))
                .forEach(found::add);
        return found;
    }

    private static String args(ProcessHandle h) {
        return h.info().arguments().map(a -> String.join(" ", a)).orElse("");
    }

    @Test
    void anOversizedReplyFailsItsRequestNamingTheLimitAndCostsNoWorker() throws Exception {
        PythonPool p = start("big", 1, limits(30_000, 0, 4096));
        long pid = p.pids().get(0);
        JsonObject args = new JsonObject();
        args.addProperty("s", "x".repeat(100_000));
        PoolerException e = error(p.execute(Request.of("echo", args)).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_ERROR, e.kind());
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertEquals(List.of(pid), p.pids(), "the same worker serves on");
        assertEquals(3, p.execute(Request.of("echo", n(3))).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsJsonObject().get("n").getAsInt());
        assertEquals(0, p.stats().crashes());
    }

    @Test
    void aFrameTheWorkerCannotReadFailsAtOnceNotByTimeout() throws Exception {
        PythonPool p = start("digits", 1, limits(30_000, 0, 1 << 20));
        long pid = p.pids().get(0);
        JsonObject args = new JsonObject();
        args.add("n", new com.google.gson.JsonPrimitive(new java.math.BigInteger("9".repeat(5000))));
        PoolerException e = error(p.execute(Request.of("echo", args)).toCompletableFuture());
        assertTrue(e.kind() == ErrorKind.BAD_REQUEST || e.kind() == ErrorKind.WORKER_ERROR, e.toString());
        assertEquals(List.of(pid), p.pids(), "no worker killed");
        assertEquals(0, p.stats().timeouts());
        assertEquals(4, p.execute(Request.of("echo", n(4))).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsJsonObject().get("n").getAsInt());
    }

    @Test
    void timeInTheQueueCountsAgainstTheTimeout() throws Exception {
        PythonPool p = start("queue", 1, limits(600, 0, 1 << 20));
        JsonObject ms = new JsonObject();
        ms.addProperty("ms", 400);
        CompletableFuture<Response> first = p.execute(Request.of("sleep", ms)).toCompletableFuture();
        CompletableFuture<Response> second = p.execute(Request.of("sleep", ms)).toCompletableFuture();
        first.get(30, TimeUnit.SECONDS);
        // The second waited 400 ms and then needs 400 more: past its 600 ms, it times out (on the worker).
        PoolerException e = error(second);
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        CompletableFuture<Response> hog = p.execute(Request.of("hang")).toCompletableFuture();
        CompletableFuture<Response> waiting = p.execute(Request.of("echo", n(1))).toCompletableFuture();
        PoolerException queued = error(waiting);
        assertEquals(ErrorKind.TIMEOUT, queued.kind());
        assertTrue(queued.getMessage().contains("waited in the queue"), queued.getMessage());
        assertFalse(queued.reachedWorker());
        assertEquals(ErrorKind.TIMEOUT, error(hog).kind());
    }

    @Test
    void aHungIdleWorkerIsFoundByItsHeartbeatAndReplaced() throws Exception {
        PythonPool p = start("hung", 1, limits(30_000, 0, 1 << 20));
        long pid = p.pids().get(0);
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
        // Heartbeat 500 ms: found within two intervals; 20 s is only the test's own patience.
        Await.until("the hung worker is replaced", () -> !p.pids().isEmpty() && !p.pids().contains(pid)
                && p.stats().workers() == 1);
        Await.until("the hung process is gone", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(PoolState.RUNNING, p.state());
        assertEquals(1, p.stats().crashes(), "a hung worker counts as a crash");
    }

    @Test
    void aBusyWorkerRecycledForMemoryNeverLeavesThePoolAboveItsSize() throws Exception {
        PythonPool p = start("bloat", 2, limits(30_000, 64, 1 << 20));
        long first = p.pids().get(0);
        JsonObject mb = new JsonObject();
        mb.addProperty("mb", 128);
        JsonObject ms = new JsonObject();
        ms.addProperty("ms", 1500);
        // Grow, then stay busy while the supervisor samples it: it is recycled after its request.
        Response grown = p.execute(Request.of("alloc", mb)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        CompletableFuture<Response> busy = new CompletableFuture<>();
        String bloated = grown.workerId();
        for (int i = 0; i < 20 && !busy.isDone(); i++) {
            CompletableFuture<Response> f = p.execute(Request.of("sleep", ms)).toCompletableFuture();
            CompletableFuture<Response> g = p.execute(Request.of("sleep", ms)).toCompletableFuture();
            f.get(30, TimeUnit.SECONDS);
            g.get(30, TimeUnit.SECONDS);
            if (p.workers().stream().noneMatch(w -> w.workerId().equals(bloated))) {
                busy.complete(f.join());
            }
        }
        Await.until("the bloated worker left", () -> p.workers().stream().noneMatch(w -> w.workerId().equals(bloated)));
        Await.until("back to its size", () -> p.stats().workers() == 2);
        Thread.sleep(1500); // time for a second replacement, had one been launched
        assertEquals(2, p.workers().size(), "exactly its size: " + p.workers());
        assertEquals(2, workerProcesses("bloat").size(), "and no extra process: " + workerProcesses("bloat"));
        assertEquals(0, p.stats().crashes());
        assertTrue(first > 0);
    }

    @Test
    void aStopRacingWithLaunchesLeavesNoProcessBehind() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = "race" + round;
            PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(6)
                    .workerSpec(WorkerSpec.defaults().withAdapter("bench")).build(), runtime);
            p.start();
            Thread.sleep(round * 15L); // stop at different points of the launches
            p.stop(Duration.ZERO);
            Await.until("no process of " + id + " is left", () -> poolProcesses(id).isEmpty());
            Thread.sleep(300);
            assertTrue(poolProcesses(id).isEmpty(), "an orphan of " + id + ": " + poolProcesses(id));
        }
    }

    private static JsonObject n(int n) {
        JsonObject o = new JsonObject();
        o.addProperty("n", n);
        return o;
    }
}
