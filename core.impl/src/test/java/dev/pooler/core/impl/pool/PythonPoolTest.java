package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.histogram.Buckets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool against real Python worker processes (the runtime under src/main/resources/python). */
class PythonPoolTest {

    static final Path RUNTIME = Path.of("src/main/resources/python").toAbsolutePath();

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        List<Long> pids = new ArrayList<>();
        for (PythonPool p : pools) {
            pids.addAll(p.pids());
            p.stop(Duration.ofSeconds(2));
        }
        scheduler.shutdownNow();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " outlived its pool");
        }
    }

    private PythonPool pool(int size, ResourceLimits limits) throws InterruptedException {
        PoolConfig c = PoolConfig.builder().poolId("t" + pools.size()).size(size).resourceLimits(limits)
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing")).build();
        PythonPool p = new PythonPool(c, PoolRuntime.create(RUNTIME, scheduler, EventSink.NONE));
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "workers did not start");
        return p;
    }

    private static ResourceLimits limits(int maxQueue, long timeoutMs, long maxMb, long maxRequests, int maxRestarts) {
        return new ResourceLimits(maxQueue, Duration.ofMillis(timeoutMs), maxMb, maxRequests, maxRestarts, Duration.ofSeconds(60));
    }

    private static JsonObject args(String k, Number v) {
        JsonObject o = new JsonObject();
        o.addProperty(k, v);
        return o;
    }

    private static PoolerException error(CompletableFuture<Response> f) {
        try {
            f.join();
        } catch (RuntimeException e) {
            return PoolerException.of(e);
        }
        throw new AssertionError("expected an error, got " + f.join());
    }


    @Test
    void everyConcurrentRequestGetsItsOwnAnswer() throws Exception {
        PythonPool p = pool(3, ResourceLimits.defaults());
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            futures.add(p.execute(Request.of("echo", args("n", i))).toCompletableFuture());
        }
        for (int i = 0; i < 500; i++) {
            assertEquals(i, futures.get(i).join().result().getAsJsonObject().get("n").getAsInt());
        }
        assertEquals(500, p.stats().completed());
        assertEquals(3, p.stats().workers());
        assertTrue(p.commands().containsAll(java.util.Set.of("echo", "sleep")), "its workers said what they offer: "
                + p.commands());
        assertFalse(p.commands().contains("classify_image"));
    }

    @Test
    void histogramsCountRequestsByFamilyQueueWaitsAndWorkerStarts() throws Exception {
        PythonPool p = pool(1, limits(2, 30_000, 0, 0, 10));
        List<CompletableFuture<Response>> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(p.execute(Request.of("sleep", args("ms", 100))).toCompletableFuture());
        }
        assertEquals(ErrorKind.POOL_OVERLOADED, error(p.execute(Request.of("echo")).toCompletableFuture()).kind());
        accepted.forEach(CompletableFuture::join);
        p.execute(Request.of("echo")).toCompletableFuture().join();
        p.execute(Request.of("no_such_family_xyz")).toCompletableFuture().exceptionally(e -> null).join();

        LatencyHistograms h = p.latencyHistograms();
        Map<String, HistogramSnapshot> byFamily = new TreeMap<>();
        h.requestDuration().forEach(s -> byFamily.put(s.labels().get("family"), s));
        assertEquals(Set.of("general", "other"), byFamily.keySet(), "a caller's unknown command is 'other'");
        assertEquals(4, byFamily.get("general").count(), "three sleeps and an echo; the refusal is not a duration");
        assertEquals(1, byFamily.get("other").count());
        assertEquals("t0", byFamily.get("general").labels().get("pool"));
        // each sleep took at least 100 ms, the queued ones longer: none is at or below 0.1 s minus the echo
        int at100ms = Buckets.SECONDS.indexOf(0.1);
        assertTrue(byFamily.get("general").cumulativeCounts().get(at100ms) <= 1, byFamily.get("general").toString());
        assertTrue(byFamily.get("general").sum() >= 0.3, "the sleeps alone took 0.3 s: " + byFamily.get("general").sum());

        HistogramSnapshot queue = h.queueWait().get(0);
        assertEquals(5, queue.count(), "every answered request waited (some for nothing)");
        assertTrue(queue.sum() >= 0.1 + 0.2 - 0.05, "the 2nd and 3rd sleep waited ~0.1 s and ~0.2 s: " + queue.sum());
        assertEquals(1, h.workerStart().get(0).count(), "one worker started");
        assertTrue(h.workerStart().get(0).sum() > 0);
        assertEquals(5, p.stats().completed() + p.stats().failed());
    }

    @Test
    void aFullQueueRefusesWithPoolOverloaded() throws Exception {
        PythonPool p = pool(1, limits(2, 30_000, 0, 0, 10));
        List<CompletableFuture<Response>> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(p.execute(Request.of("sleep", args("ms", 300))).toCompletableFuture());
        }
        PoolerException e = error(p.execute(Request.of("echo")).toCompletableFuture());
        assertEquals(ErrorKind.POOL_OVERLOADED, e.kind());
        assertTrue(e.getMessage().contains("max_queue 2"), e.getMessage());
        assertFalse(e.reachedWorker());
        accepted.forEach(CompletableFuture::join);
        // A refusal is not a failure of this pool: the router may well serve the request elsewhere.
        assertEquals(0, p.stats().failed());
        assertEquals(1, p.refused());
        assertEquals(1, p.stats().refused());
    }

    @Test
    void aHungWorkerTimesOutAndIsReplaced() throws Exception {
        PythonPool p = pool(1, limits(10, 500, 0, 0, 10));
        long before = p.pids().get(0);
        PoolerException e = error(p.execute(Request.of("hang")).toCompletableFuture());
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        Await.until("the worker is replaced", () -> p.stats().workers() == 1 && !p.pids().contains(before));
        assertEquals(7, p.execute(Request.of("echo", args("v", 7))).toCompletableFuture().join()
                .result().getAsJsonObject().get("v").getAsInt());
        assertFalse(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false), "the hung process was killed");
    }

    @Test
    void aCrashFailsOnlyItsRequestAndTheWorkerIsReplaced() throws Exception {
        PythonPool p = pool(2, ResourceLimits.defaults());
        PoolerException e = error(p.execute(Request.of("crash")).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_CRASHED, e.kind());
        assertTrue(e.getMessage().contains("crash"), e.getMessage());
        Await.until("the pool is back to full size", () -> p.stats().workers() == 2);
        assertEquals(1, p.stats().crashes());
        assertEquals(PoolState.RUNNING, p.state());
    }

    @Test
    void aPoolNeverRetriesByItself() throws Exception {
        PythonPool p = pool(2, ResourceLimits.defaults());
        // Re-running elsewhere is the router's one retry rule; inside a pool a request runs once.
        PoolerException e = error(p.execute(Request.builder("crash").retryable(true).build()).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_CRASHED, e.kind());
        assertTrue(e.reachedWorker());
        Await.until("the crash is counted", () -> p.stats().crashes() == 1);
        Thread.sleep(300);
        assertEquals(1, p.stats().crashes(), "it ran once");
    }

    @Test
    void aCrashLoopFailsThePoolWhichThenRecoversByItself() throws Exception {
        PythonPool p = pool(1, limits(10, 30_000, 0, 0, 2));
        for (int i = 0; i < 3; i++) {
            Await.until("a worker is ready", () -> p.stats().workers() == 1);
            error(p.execute(Request.of("crash")).toCompletableFuture());
        }
        Await.until("the pool fails", () -> p.state() == PoolState.FAILED);
        PoolerException e = error(p.execute(Request.of("echo")).toCompletableFuture());
        assertEquals(ErrorKind.SHUTTING_DOWN, e.kind());
        assertTrue(e.getMessage().contains("more than 2 workers died right after starting"), e.getMessage());
        assertTrue(e.getMessage().contains("probes again in"), e.getMessage());
        // Nobody touches it: it probes with one worker, then returns to full size.
        Await.until("it recovers by itself", () -> p.state() == PoolState.RUNNING);
        assertEquals(5, p.execute(Request.of("echo", args("v", 5))).toCompletableFuture().join()
                .result().getAsJsonObject().get("v").getAsInt());
    }

    @Test
    void aConfigurationUpdateRevivesAFailedPoolAtOnce() throws Exception {
        PythonPool p = pool(1, limits(10, 30_000, 0, 0, 0));
        error(p.execute(Request.of("crash")).toCompletableFuture());
        Await.until("the pool fails", () -> p.state() == PoolState.FAILED);
        p.reconfigure(p.config().toBuilder().resourceLimits(limits(10, 30_000, 0, 0, 5)).build());
        assertTrue(p.awaitReady(Duration.ofSeconds(20)));
        Await.until("one worker serves", () -> p.pids().size() == 1);
        assertEquals(1, p.stats().workers());
    }

    @Test
    void workersKilledFromOutsideAreReplacedWithoutFailingThePool() throws Exception {
        PythonPool p = pool(2, limits(10, 30_000, 0, 0, 2));
        for (int i = 0; i < 8; i++) {
            Await.until("full size", () -> p.stats().workers() == 2);
            long pid = p.pids().get(0);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL, as the OOM killer does
            Await.until("the killed worker is gone", () -> !p.pids().contains(pid));
        }
        Await.until("full size again", () -> p.stats().workers() == 2);
        assertEquals(PoolState.RUNNING, p.state(), "kills from outside are not a crash loop");
        assertTrue(p.stats().crashes() >= 8);
    }

    @Test
    void aWorkerIsRecycledAfterItsMaximumRequests() throws Exception {
        PythonPool p = pool(1, limits(10, 30_000, 0, 3, 10));
        long first = p.pids().get(0);
        for (int i = 0; i < 3; i++) {
            p.execute(Request.of("echo")).toCompletableFuture().join();
        }
        Await.until("a fresh worker replaces it", () -> p.stats().workers() == 1 && !p.pids().contains(first));
        assertEquals(0, p.stats().crashes(), "recycling is not a crash");
        p.execute(Request.of("echo")).toCompletableFuture().join();
    }

    @Test
    void aWorkerPastItsMemoryLimitIsRecycled() throws Exception {
        PythonPool p = pool(1, limits(10, 30_000, 64, 0, 10));
        long first = p.pids().get(0);
        p.execute(Request.of("alloc", args("mb", 128))).toCompletableFuture().join();
        Await.until("the bloated worker is replaced", () -> p.stats().workers() == 1 && !p.pids().contains(first));
        assertEquals(0, p.stats().crashes());
    }

    @Test
    void workersReportTheirCpuAndMemoryFromTheOs() throws Exception {
        PythonPool p = pool(1, ResourceLimits.defaults());
        assertTrue(p.workers().get(0).cpuLoad() < 0, "unknown before the first samples");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // Keep the worker computing until two samples (a second apart) have seen it burn CPU.
        while (p.workers().get(0).cpuLoad() <= 0.05 && System.nanoTime() < deadline) {
            p.execute(Request.of("cpu", args("n", 200_000))).toCompletableFuture().join();
        }
        assertTrue(p.workers().get(0).cpuLoad() > 0.05, "a busy worker shows CPU load: " + p.workers().get(0));
        assertTrue(p.workers().get(0).rssKb() > 1000, "and its resident memory: " + p.workers().get(0));
    }

    @Test
    void resizesLive() throws Exception {
        PythonPool p = pool(2, ResourceLimits.defaults());
        p.reconfigure(p.config().toBuilder().size(4).build());
        assertTrue(p.awaitReady(Duration.ofSeconds(20)));
        assertEquals(4, p.stats().workers());
        p.reconfigure(p.config().toBuilder().size(1).build());
        Await.until("the pool shrinks", () -> p.pids().size() == 1);
        p.execute(Request.of("echo")).toCompletableFuture().join();
    }

    @Test
    void stopAnswersQueuedWorkAndEndsEveryProcess() throws Exception {
        PythonPool p = pool(1, ResourceLimits.defaults());
        List<Long> pids = p.pids();
        CompletableFuture<Response> running = p.execute(Request.of("sleep", args("ms", 100))).toCompletableFuture();
        p.stop(Duration.ofSeconds(5));
        running.join();
        assertEquals(ErrorKind.SHUTTING_DOWN, error(p.execute(Request.of("echo")).toCompletableFuture()).kind());
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void anUnknownCommandIsAWorkerErrorNamingIt() throws Exception {
        PythonPool p = pool(1, ResourceLimits.defaults());
        PoolerException e = error(p.execute(Request.of("no_such_command")).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_ERROR, e.kind());
        assertTrue(e.getMessage().contains("no_such_command"), e.getMessage());
    }
}
