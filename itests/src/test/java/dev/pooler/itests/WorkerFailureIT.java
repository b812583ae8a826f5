package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.RequestRouter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/** Workers that die or hang: every request gets one answer, and the pool heals. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerFailureIT extends PoolerTestSupport {

    /** Answers to a batch of requests, counted as they arrive. */
    private static final class Tally {
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger results = new AtomicInteger();
        final AtomicInteger crashed = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> others = new ConcurrentLinkedQueue<>();
        final List<CompletableFuture<Response>> futures = new ArrayList<>();

        void send(Pool pool, Request request) {
            count(pool.execute(request).toCompletableFuture());
        }

        void count(CompletableFuture<Response> f) {
            futures.add(f);
            f.whenComplete((r, t) -> {
                answers.incrementAndGet();
                if (t == null) {
                    results.incrementAndGet();
                } else if (PoolerException.of(t).kind() == ErrorKind.WORKER_CRASHED) {
                    crashed.incrementAndGet();
                } else {
                    others.add(t);
                }
            });
        }

        void awaitAll(int n) throws Exception {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .handle((v, t) -> null).get(60, TimeUnit.SECONDS);
            Await.until("all " + n + " answers counted", () -> answers.get() == n, () -> answers + " answers");
        }
    }

    @Test
    public void killedWorkerUnderLoadFailsOnlyItsRequestAndIsReplaced() throws Exception {
        try (EventCollector events = EventCollector.register(context)) {
            killedWorkerUnderLoad(events);
        }
    }

    private void killedWorkerUnderLoad(EventCollector events) throws Exception {
        createPool("it_kill", Map.of("size", 4, "adapter", "bench,testing"));
        Pool pool = awaitPool("it_kill", 4);
        Map<Long, ProcessHandle> before = handles(pool);
        PoolStats start = pool.stats();

        int n = 500;
        Tally tally = new Tally();
        for (int i = 0; i < n; i++) {
            tally.send(pool, Request.of("sleep", json("ms", 20)));
        }
        Await.until("the pool is under load", () -> pool.stats().completed() - start.completed() >= 20);
        long victim = busyWorker(pool);
        int inFlight = n - tally.answers.get();
        assertTrue("kill -9 " + victim, before.get(victim).destroyForcibly());
        assertTrue("requests were still in flight when the worker was killed", inFlight > 0);

        tally.awaitAll(n);
        System.out.println("kill -9 of worker " + victim + " with " + inFlight + " of " + n + " requests in flight: "
                + tally.results + " results, " + tally.crashed + " WORKER_CRASHED, " + tally.others.size() + " other errors");
        assertTrue("only results or WORKER_CRASHED, got " + tally.others, tally.others.isEmpty());
        assertEquals("every request got exactly one answer", n, tally.results.get() + tally.crashed.get());
        assertTrue("only the request the killed worker held failed, but " + tally.crashed + " did", tally.crashed.get() <= 1);

        Await.until("the killed worker " + victim + " is gone", () -> !Procs.alive(before.get(victim)));
        Await.until("the pool is back to 4 workers without " + victim,
                () -> pool.stats().workers() == 4 && readyPids(pool).size() == 4 && !readyPids(pool).contains(victim),
                () -> describe(pool));
        awaitSize(pool, 4);
        Set<Long> after = handles(pool).keySet();
        Set<Long> survivors = new HashSet<>(before.keySet());
        survivors.remove(victim);
        assertTrue("the other workers kept running: " + survivors + " in " + after, after.containsAll(survivors));
        Set<Long> fresh = new HashSet<>(after);
        fresh.removeAll(before.keySet());
        assertEquals("one new worker process", 1, fresh.size());
        PoolStats end = pool.stats();
        assertEquals(1, end.crashes() - start.crashes());
        assertEquals("the pool counted each request once", n,
                (end.completed() - start.completed()) + (end.failed() - start.failed()));
        assertAnswersEcho(pool);

        Event crashed = events.await(PoolerEvents.WORKER_CRASHED, e -> Long.valueOf(victim).equals(e.getProperty(PoolerEvents.PID)));
        assertEquals("it_kill", crashed.getProperty(PoolerEvents.POOL_ID));
        assertEquals(137, crashed.getProperty(PoolerEvents.EXIT_CODE));
        long replacement = fresh.iterator().next();
        events.await(PoolerEvents.WORKER_STARTED, e -> Long.valueOf(replacement).equals(e.getProperty(PoolerEvents.PID)));
    }

    @Test
    public void retryableRequestsSurviveAKilledWorkerByRunningOnceMoreElsewhere() throws Exception {
        createPool("it_retry_a", Map.of("size", 4, "adapter", "bench,testing", "capabilities", "retry_family"));
        createPool("it_retry_b", Map.of("size", 4, "adapter", "bench,testing", "capabilities", "retry_family"));
        Pool a = awaitPool("it_retry_a", 4);
        Pool b = awaitPool("it_retry_b", 4);
        RequestRouter router = router();
        PoolStats startA = a.stats();
        PoolStats startB = b.stats();

        int n = 200;
        Tally tally = new Tally();
        for (int i = 0; i < n; i++) {
            tally.count(router.route(Request.builder("sleep").capability("retry_family").args(json("ms", 20))
                    .retryable(true).build()).toCompletableFuture());
        }
        Await.until("pool a is under load", () -> a.stats().completed() - startA.completed() >= 5);
        Map<Long, ProcessHandle> before = handles(a);
        long victim = busyWorker(a);
        assertTrue(before.get(victim).destroyForcibly());

        tally.awaitAll(n);
        assertTrue("no errors, got " + tally.others + " and " + tally.crashed + " WORKER_CRASHED",
                tally.others.isEmpty() && tally.crashed.get() == 0);
        assertEquals(n, tally.results.get());
        // Counted at the pools: the killed request ran twice (once in a, once more elsewhere), nothing else did.
        long ran = (a.stats().completed() - startA.completed()) + (b.stats().completed() - startB.completed());
        assertEquals(n, ran);
        assertEquals(1, (a.stats().failed() - startA.failed()) + (b.stats().failed() - startB.failed()));
        awaitSize(a, 4);
        assertFalse(readyPids(a).contains(victim));
    }

    @Test
    public void hungWorkerTimesOutAndIsReplaced() throws Exception {
        createPool("it_hang", Map.of("size", 2, "adapter", "bench,testing", "request.timeout.ms", 1000));
        Pool pool = awaitPool("it_hang", 2);
        Map<Long, ProcessHandle> before = handles(pool);

        CompletableFuture<Response> hang = pool.execute(Request.of("hang")).toCompletableFuture();
        long hung = busyWorker(pool);
        // The other worker keeps serving meanwhile.
        Response other = answer(pool.execute(Request.of("pid")).toCompletableFuture());
        assertTrue(other.result().getAsLong() != hung);

        PoolerException e = failure(hang);
        assertEquals(e.toString(), ErrorKind.TIMEOUT, e.kind());
        assertEquals("it_hang", e.poolId());

        Await.until("the hung worker " + hung + " was killed", () -> !Procs.alive(before.get(hung)));
        Await.until("a fresh worker replaced " + hung,
                () -> readyPids(pool).size() == 2 && !readyPids(pool).contains(hung), () -> describe(pool));
        awaitSize(pool, 2);
        Set<Long> after = handles(pool).keySet();
        assertTrue("the other worker kept running", after.containsAll(
                before.keySet().stream().filter(p -> p != hung).toList()));
        assertFalse(after.equals(before.keySet()));
        PoolStats s = pool.stats();
        assertEquals(1, s.timeouts());
        assertEquals("a timed-out worker is not counted as a crash", 0, s.crashes());
        assertAnswersEcho(pool);
    }

    /** The pid of a worker running a request now. */
    private static long busyWorker(Pool pool) {
        return Await.value("a busy worker", () -> pool.workers().stream()
                .filter(w -> w.state() == WorkerState.BUSY).map(WorkerInfo::pid).findFirst().orElse(null));
    }
}
