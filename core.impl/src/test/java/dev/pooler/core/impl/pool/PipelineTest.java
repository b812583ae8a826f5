package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.Await;
import dev.pooler.core.impl.events.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined dispatch ({@code pipeline.depth} &gt; 1) against real Python workers: requests go behind a busy worker's
 * head up to the depth, and crashes, timeouts, recycling and cancels still answer every request exactly once, counted
 * at the source (per request, and the pool's duplicate counter).
 */
class PipelineTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE);
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pools.forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
    }

    private PythonPool start(String id, int size, int depth, long maxRequestsPerWorker) throws InterruptedException {
        ResourceLimits limits = new ResourceLimits(10_000, Duration.ofSeconds(60), 0, maxRequestsPerWorker, 20,
                Duration.ofSeconds(60), ResourceLimits.DEFAULT_MAX_REPLY_BYTES, 1024);
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size).pipelineDepth(depth).resourceLimits(limits)
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing")).build(), runtime);
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "workers did not start");
        return p;
    }

    private static Request req(String command, String args) {
        return Request.of(command, JsonParser.parseString(args).getAsJsonObject());
    }

    private static Request echo(int n) {
        JsonObject a = new JsonObject();
        a.addProperty("n", n);
        return Request.of("echo", a);
    }

    private static int n(Response r) {
        return r.result().getAsJsonObject().get("n").getAsInt();
    }

    private static CompletableFuture<Response> run(PythonPool p, Request r) {
        return p.execute(r).toCompletableFuture();
    }

    private static PoolerException error(CompletableFuture<Response> f) throws Exception {
        Throwable t = f.handle((r, e) -> e).get(60, TimeUnit.SECONDS);
        if (t == null) {
            throw new AssertionError("expected an error, got " + f.get());
        }
        return PoolerException.of(t);
    }

    /** How many requests wait behind the head of each worker, and in the pool's own queue, read under its lock. */
    private static int[] pipesAndQueue(PythonPool p) {
        p.lock.lock();
        try {
            int behind = 0;
            for (Worker m : p.members) {
                behind += m.behind();
            }
            return new int[] {behind, p.dispatcher.queued()};
        } finally {
            p.lock.unlock();
        }
    }

    private static Worker busyWorker(PythonPool p) {
        p.lock.lock();
        try {
            for (Worker m : p.members) {
                if (m.current != null) {
                    return m;
                }
            }
            throw new AssertionError("no worker is busy");
        } finally {
            p.lock.unlock();
        }
    }

    @Test
    void requestsGoBehindABusyWorkerUpToTheDepthThenQueueAndAllAreAnswered() throws Exception {
        PythonPool p = start("depth", 1, 3, 0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":400}"));
        List<CompletableFuture<Response>> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(run(p, echo(i)));
        }
        int[] pq = pipesAndQueue(p);
        assertEquals(2, pq[0], "two requests written behind the head (depth 3)");
        assertEquals(2, pq[1], "the rest wait in the pool's queue");
        assertEquals(4, p.stats().queued(), "what waits in a pipe counts as queued");
        assertEquals(1, p.stats().busy());
        head.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            assertEquals(i, n(rest.get(i).get(30, TimeUnit.SECONDS)));
        }
        assertEquals(5, p.stats().completed());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void depthOneWritesNothingBehindAHead() throws Exception {
        PythonPool p = start("depth1", 1, 1, 0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":300}"));
        CompletableFuture<Response> a = run(p, echo(1));
        CompletableFuture<Response> b = run(p, echo(2));
        int[] pq = pipesAndQueue(p);
        assertEquals(0, pq[0]);
        assertEquals(2, pq[1]);
        head.get(30, TimeUnit.SECONDS);
        assertEquals(1, n(a.get(30, TimeUnit.SECONDS)));
        assertEquals(2, n(b.get(30, TimeUnit.SECONDS)));
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void streamsAndSessionRequestsAreNeverPipelinedAndWhatQueuesBehindThemWaitsItsTurn() throws Exception {
        PythonPool p = start("exclusive", 1, 4, 0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":300}"));
        ResponseStream stream = p.stream(req("chunks", "{\"n\":3}"));
        CompletableFuture<Response> session = run(p, Request.builder("echo").args(new JsonObject()).session("s-pipe").build());
        CompletableFuture<Response> after = run(p, echo(7));
        int[] pq = pipesAndQueue(p);
        assertEquals(0, pq[0], "neither a stream nor a session's request goes behind a head, nor does anything queued after them");
        assertEquals(3, pq[1]);
        head.get(30, TimeUnit.SECONDS);
        stream.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        session.get(30, TimeUnit.SECONDS);
        assertEquals(7, n(after.get(30, TimeUnit.SECONDS)));
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aKilledWorkerFailsItsHeadOnlyAndTheRequestsBehindItRunOnItsReplacement() throws Exception {
        PythonPool p = start("kill", 1, 3, 0);
        long pid = p.pids().get(0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":60000}"));
        List<CompletableFuture<Response>> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(run(p, echo(i)));
        }
        assertEquals(2, pipesAndQueue(p)[0]);
        Await.until("the head runs", () -> p.stats().busy() == 1);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertEquals(ErrorKind.WORKER_CRASHED, error(head).kind());
        for (int i = 0; i < 4; i++) {
            Response r = rest.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(i, n(r));
        }
        assertNotEquals(List.of(pid), p.pids());
        assertEquals(1, p.stats().crashes());
        assertEquals(1, p.stats().failed());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aTimedOutHeadDoesNotBlameTheRequestsBehindIt() throws Exception {
        PythonPool p = start("timeout", 1, 3, 0);
        CompletableFuture<Response> head = run(p, Request.builder("sleep").args(JsonParser.parseString("{\"ms\":20000}")
                .getAsJsonObject()).timeout(Duration.ofMillis(300)).build());
        CompletableFuture<Response> a = run(p, echo(1));
        CompletableFuture<Response> b = run(p, echo(2));
        assertEquals(2, pipesAndQueue(p)[0]);
        assertEquals(ErrorKind.TIMEOUT, error(head).kind());
        assertEquals(1, n(a.get(60, TimeUnit.SECONDS)));
        assertEquals(2, n(b.get(60, TimeUnit.SECONDS)));
        assertEquals(1, p.stats().timeouts());
        assertEquals(2, p.stats().completed());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aRequestWhoseOwnDeadlinePassesInThePipeTimesOutAloneAndIsNeverRun() throws Exception {
        PythonPool p = start("late", 1, 3, 0);
        long pid = p.pids().get(0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":3000}"));
        // a crash behind the head: if the worker ran it after all, the worker would die
        CompletableFuture<Response> late = run(p, Request.builder("crash").args(new JsonObject())
                .timeout(Duration.ofMillis(200)).build());
        CompletableFuture<Response> patient = run(p, echo(5));
        assertEquals(2, pipesAndQueue(p)[0]);
        PoolerException e = error(late);
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("pipe"), e.getMessage());
        assertTrue(head.get(60, TimeUnit.SECONDS).result().isJsonObject());
        assertEquals(5, n(patient.get(60, TimeUnit.SECONDS)));
        assertEquals(head.get().workerId(), patient.get().workerId());
        assertEquals(List.of(pid), p.pids(), "nothing was killed");
        assertEquals(0, p.stats().crashes());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aCancelledRequestBehindTheHeadIsAnsweredAtOnceAndSkippedByTheWorker() throws Exception {
        PythonPool p = start("cancel", 1, 3, 0);
        long pid = p.pids().get(0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":500}"));
        CompletableFuture<Response> doomed = run(p, req("crash", "{}"));
        CompletableFuture<Response> after = run(p, echo(9));
        assertEquals(2, pipesAndQueue(p)[0]);
        assertTrue(doomed.cancel(true));
        assertEquals(ErrorKind.CANCELLED, error(doomed).kind());
        assertEquals(1, pipesAndQueue(p)[0], "it left the pipe");
        head.get(30, TimeUnit.SECONDS);
        assertEquals(9, n(after.get(30, TimeUnit.SECONDS)));
        assertEquals(List.of(pid), p.pids(), "the worker skipped the cancelled crash");
        assertEquals(0, p.stats().crashes());
        assertEquals(1, p.stats().cancelled());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void anImmediateDetachOfAWorkerWithAFullPipeWaitsUntilThePipeIsEmpty() throws Exception {
        PythonPool p = start("detach", 1, 3, 0);
        CompletableFuture<Response> head = run(p, req("sleep", "{\"ms\":300}"));
        CompletableFuture<Response> a = run(p, echo(1));
        CompletableFuture<Response> b = run(p, echo(2));
        Worker w = busyWorker(p);
        CompletableFuture<Transit> moving = p.detach(w.id, WorkerExchange.Mode.IMMEDIATE);
        Transit t = moving.get(30, TimeUnit.SECONDS);
        assertEquals(0, w.behind());
        assertEquals(null, w.current, "the worker left with an empty pipe: nothing travelled with it");
        // all three answered by that worker, here, before it left
        assertEquals(w.id, head.get(30, TimeUnit.SECONDS).workerId());
        assertEquals(w.id, a.get(30, TimeUnit.SECONDS).workerId());
        assertEquals(w.id, b.get(30, TimeUnit.SECONDS).workerId());
        assertEquals(2, n(b.get()));
        assertEquals(w.id, t.workerId());
        p.adopt(t);
        assertEquals(3, n(run(p, echo(3)).get(30, TimeUnit.SECONDS)));
        assertEquals(0, p.duplicateAnswers());
    }

    /** Many requests on 3 workers at depth 3, workers killed with SIGKILL mid-load: each request answered exactly once. */
    @Test
    void workersKilledUnderPipelinedLoadLeaveEveryRequestAnsweredExactlyOnce() throws Exception {
        PythonPool p = start("load", 3, 3, 0);
        int total = 600;
        AtomicIntegerArray answers = new AtomicIntegerArray(total);
        Map<Integer, Throwable> errors = new ConcurrentHashMap<>();
        List<CompletableFuture<Response>> all = new ArrayList<>(total);
        int kills = 0;
        for (int i = 0; i < total; i++) {
            int k = i;
            Request r = i % 3 == 0 ? req("sleep", "{\"ms\":" + (1 + i % 4) + "}") : echo(i);
            CompletableFuture<Response> f = run(p, r).whenComplete((x, e) -> { // counted before the test waits on it
                answers.incrementAndGet(k);
                if (e != null) {
                    errors.put(k, e);
                } else if (k % 3 != 0 && n(x) != k) {
                    errors.put(k, new AssertionError("request " + k + " got the answer of " + n(x)));
                }
            });
            all.add(f);
            if (i % 150 == 75) {
                Await.until("a worker to kill", () -> !p.pids().isEmpty()); // the last kill's replacement may still start
                List<Long> pids = p.pids();
                ProcessHandle.of(pids.get(kills % pids.size())).ifPresent(ProcessHandle::destroyForcibly);
                kills++;
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((x, e) -> null).get(120, TimeUnit.SECONDS);
        for (int i = 0; i < total; i++) {
            assertEquals(1, answers.get(i), "request " + i + " answers");
        }
        int crashed = 0;
        for (Map.Entry<Integer, Throwable> e : errors.entrySet()) {
            PoolerException pe = PoolerException.of(e.getValue());
            assertEquals(ErrorKind.WORKER_CRASHED, pe.kind(), "request " + e.getKey() + ": " + e.getValue());
            crashed++;
        }
        assertTrue(crashed <= kills, crashed + " crashed requests for " + kills + " kills: only a head is lost with its worker");
        assertEquals(total, p.stats().completed() + p.stats().failed());
        assertEquals(0, p.duplicateAnswers());
        Await.until("the pool is back to 3 workers", () -> p.pids().size() == 3);
    }

    @Test
    void recyclingUnderPipelinedLoadAnswersEveryRequestOnceAndFailsNone() throws Exception {
        PythonPool p = start("recycle", 2, 4, 25);
        int total = 400;
        AtomicIntegerArray answers = new AtomicIntegerArray(total);
        List<CompletableFuture<Response>> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int k = i;
            all.add(run(p, echo(i)).whenComplete((x, e) -> answers.incrementAndGet(k)));
        }
        Map<String, Integer> servedBy = new java.util.HashMap<>();
        for (int i = 0; i < total; i++) {
            Response r = all.get(i).get(120, TimeUnit.SECONDS);
            assertEquals(i, n(r));
            assertEquals(1, answers.get(i));
            servedBy.merge(r.workerId(), 1, Integer::sum);
        }
        // a worker that reached 25 takes no more; what was already in its pipe (at most depth - 1 more) finishes there
        assertTrue(servedBy.size() >= total / (25 + 3), "workers were recycled: " + servedBy);
        servedBy.forEach((w, count) -> assertTrue(count <= 25 + 3, w + " served " + count));
        assertEquals(0, p.stats().failed());
        assertEquals(0, p.stats().crashes());
        assertEquals(0, p.duplicateAnswers());
    }

    /**
     * The answers of a pipelining worker are handed to one answer thread at a time; a follow-up that blocks until a
     * later answer's follow-up ran (queued behind it, same worker) would wait for ever, were it not rescued.
     */
    @Test
    void aFollowUpThatWaitsForALaterAnswersFollowUpOfTheSameWorkerIsNotStuck() throws Exception {
        PythonPool p = start("follow", 1, 3, 0);
        CompletableFuture<Response> first = run(p, req("sleep", "{\"ms\":100}"));
        CompletableFuture<Response> second = run(p, req("sleep", "{\"ms\":400}"));
        assertEquals(1, pipesAndQueue(p)[0], "the second waits behind the first, on the same worker");
        CompletableFuture<String> chained = first.thenApply(r -> second.thenApply(x -> "both: " + x.workerId()).join());
        assertEquals("both: " + first.get(30, TimeUnit.SECONDS).workerId(), chained.get(30, TimeUnit.SECONDS));
        assertEquals(0, p.duplicateAnswers());
    }
}
