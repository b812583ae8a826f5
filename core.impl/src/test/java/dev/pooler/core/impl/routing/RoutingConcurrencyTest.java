package dev.pooler.core.impl.routing;

import static dev.pooler.core.impl.routing.TestSupport.config;
import static dev.pooler.core.impl.routing.TestSupport.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.routing.TestSupport.RecordingEvents;
import dev.pooler.core.impl.routing.TestSupport.ScriptedStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoutingConcurrencyTest {

    @Test
    void everyRequestGetsExactlyOneCompletionWhileStrategiesComeAndGo() throws Exception {
        TestPool a = TestPool.of("a").latencyMicros(200);
        TestPool b = TestPool.of("b");
        TestPool c = TestPool.of("c").latencyMicros(50);
        TestPool overloaded = TestPool.of("full").failWith(ErrorKind.POOL_OVERLOADED);
        RecordingEvents events = new RecordingEvents();
        RoutingEngine router = new RoutingEngine(new TestRegistry(a, b, c, overloaded), config("ml_optimized"), events,
                System::nanoTime);
        router.activated();

        int callers = 4;
        int perCaller = 3_000;
        AtomicBoolean churning = new AtomicBoolean(true);
        AtomicInteger completions = new AtomicInteger();
        AtomicInteger doubleCompletions = new AtomicInteger();
        AtomicInteger unexpectedErrors = new AtomicInteger();
        List<CompletableFuture<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);

        Thread churner = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(3);
            String[] names = {"ml_optimized", "round_robin", "p2c"};
            List<ScriptedStrategy> bound = new ArrayList<>();
            List<String> boundNames = new ArrayList<>();
            while (churning.get()) {
                if (bound.isEmpty() || (bound.size() < 4 && r.nextBoolean())) {
                    String name = names[r.nextInt(names.length)];
                    // some strategies pick the overloaded pool, some throw: the router must cope
                    ScriptedStrategy s = switch (r.nextInt(3)) {
                        case 0 -> ScriptedStrategy.prefer("full");
                        case 1 -> new ScriptedStrategy(cands -> cands.get(cands.size() - 1));
                        default -> new ScriptedStrategy(cands -> {
                            throw new IllegalStateException("flaky");
                        });
                    };
                    s.record = false;
                    router.bindStrategy(s, props(name));
                    bound.add(s);
                    boundNames.add(name);
                } else {
                    int i = r.nextInt(bound.size());
                    router.unbindStrategy(bound.remove(i), props(boundNames.remove(i)));
                }
                Thread.onSpinWait();
            }
        }, "churn");
        churner.start();

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perCaller; i++) {
                    boolean namesStrategy = i % 10 == 0;
                    Request req = namesStrategy ? Request.builder("echo").strategy("p2c").build() : Request.of("echo");
                    CompletableFuture<?> f = router.route(req).toCompletableFuture();
                    AtomicInteger seen = new AtomicInteger();
                    all.add(f.whenComplete((resp, err) -> {
                        if (seen.incrementAndGet() > 1) {
                            doubleCompletions.incrementAndGet();
                        }
                        completions.incrementAndGet();
                        // naming a strategy that is unbound right now is the caller's error, and says so
                        if (err != null && !(namesStrategy && PoolerException.of(err).kind() == ErrorKind.BAD_REQUEST
                                && PoolerException.of(err).getMessage().contains("'p2c' is not installed"))) {
                            unexpectedErrors.incrementAndGet();
                        }
                    }));
                }
            }, "caller-" + t);
            threads.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        churning.set(false);
        churner.join();

        assertEquals(callers * perCaller, completions.get());
        assertEquals(0, doubleCompletions.get());
        assertEquals(0, unexpectedErrors.get(), "the overloaded pool is always fallen back from");
        for (String id : List.of("a", "b", "c", "full")) {
            assertEquals(0, router.inFlight(id), "in-flight of " + id + " back to zero");
        }
        assertEquals(0, a.busy.get() + b.busy.get() + c.busy.get());
        assertTrue(events.of(PoolerEvents.STRATEGY_CHANGED).size() > 0);
        for (var e : events.of(PoolerEvents.STRATEGY_CHANGED)) {
            assertTrue(e.properties().keySet().containsAll(List.of(PoolerEvents.STRATEGY, PoolerEvents.PREVIOUS_STRATEGY)));
        }
        // every REQUEST_ROUTED names a real pool
        for (var e : events.of(PoolerEvents.REQUEST_ROUTED)) {
            assertTrue(Map.of("a", 1, "b", 1, "c", 1, "full", 1).containsKey((String) e.properties().get(PoolerEvents.POOL_ID)));
        }
    }

    @Test
    void failuresAlsoCompleteExactlyOnce() throws Exception {
        TestPool crashing = TestPool.of("crash").latencyMicros(100).failWith(ErrorKind.WORKER_CRASHED);
        TestPool full = TestPool.of("full").failWith(ErrorKind.POOL_OVERLOADED);
        RoutingEngine router = new RoutingEngine(new TestRegistry(crashing, full), config("round_robin"),
                new RecordingEvents(), System::nanoTime);
        router.activated();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            futures.add(router.route(Request.builder("echo").retryable(i % 2 == 0).build()).toCompletableFuture());
        }
        int failed = 0;
        for (CompletableFuture<?> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                PoolerException pe = PoolerException.of(e);
                assertTrue(pe.kind() == ErrorKind.WORKER_CRASHED || pe.kind() == ErrorKind.POOL_OVERLOADED, pe.toString());
                failed++;
            }
        }
        assertEquals(2_000, failed);
        assertEquals(0, router.inFlight("crash"));
        assertEquals(0, router.inFlight("full"));
    }
}
