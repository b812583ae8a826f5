package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * DESIGN §2 and §8: a strategy is a plug-in; while its bundle is away the router falls back (to
 * {@code round_robin}) and no request fails. Four callers send {@code echo} and {@code sleep 2 ms}
 * through the router without pause, with {@code least_connections} configured, while the test stops and
 * starts {@code dev.pooler.strategies.load} ten times, then updates it once (stop, reload the jar, start) and
 * uninstalls and reinstalls it once. Each phase lasts until the callers got at least {@value #PER_PHASE}
 * answers in it and at least {@value #PHASE_MS} ms passed, so every phase routes real requests.
 * And a strategy whose service properties change (not its name) stays in use without a blip.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StrategyHotSwapIT extends PoolerTestSupport {

    static final String LOAD_BUNDLE = "dev.pooler.strategies.load";
    static final String STRATEGY = "least_connections";
    static final String FALLBACK = "round_robin";
    static final int CALLERS = 4;
    static final int CYCLES = 10;
    static final int PER_PHASE = 20;
    static final long PHASE_MS = 200;

    private final AtomicLong answered = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, Long> byPool = new ConcurrentHashMap<>();

    @Test
    public void strategyBundleComesAndGoesUnderLoadWithoutAFailedRequest() throws Exception {
        createPool("hs_small", Map.of("size", 2, "adapter", "bench,testing"));
        createPool("hs_large", Map.of("size", 3, "adapter", "bench,testing"));
        awaitPool("hs_small", 2);
        awaitPool("hs_large", 3);
        useStrategy(STRATEGY);
        RequestRouter router = router();
        Bundle load = bundle(LOAD_BUNDLE);
        String location = load.getLocation();

        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try (EventCollector events = EventCollector.register(context)) {
            for (int t = 0; t < CALLERS; t++) {
                int caller = t;
                callers.execute(() -> call(router, caller, running));
            }
            phase(router, STRATEGY, "before the first stop");

            for (int i = 1; i <= CYCLES; i++) {
                load.stop();
                assertEquals(Bundle.RESOLVED, load.getState());
                phase(router, FALLBACK, "stop " + i);
                load.start();
                phase(router, STRATEGY, "start " + i);
            }

            // An update: the framework stops the bundle, reads the jar again from its location and starts it.
            long before = load.getLastModified();
            load.update();
            assertEquals(Bundle.ACTIVE, load.getState());
            assertTrue("the bundle was updated", load.getLastModified() >= before);
            phase(router, STRATEGY, "after update");

            // Uninstall and install again from the same jar.
            load.uninstall();
            assertTrue(findBundle(LOAD_BUNDLE).isEmpty());
            phase(router, FALLBACK, "uninstalled");
            Bundle again = context.installBundle(location);
            assertNotEquals("a new bundle", load.getBundleId(), again.getBundleId());
            again.start();
            phase(router, STRATEGY, "reinstalled");

            running.set(false);
            callers.shutdown();
            assertTrue("the callers stopped", callers.awaitTermination(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS));

            assertTrue(failures.size() + " of " + (answered.get() + failures.size()) + " requests failed: "
                    + failures.subList(0, Math.min(10, failures.size())), failures.isEmpty());
            assertEquals("both pools served", Set.of("hs_small", "hs_large"), byPool.keySet());

            // Each stop (10), the update and the uninstall took least_connections away: the router moved to
            // the fallback; each start (10), the update and the reinstall brought it back. One event each.
            int each = CYCLES + 2;
            Await.until("STRATEGY_CHANGED events to the fallback and back",
                    () -> changes(events, STRATEGY, FALLBACK) >= each && changes(events, FALLBACK, STRATEGY) >= each,
                    () -> describe(events));
            assertEquals(describe(events), each, changes(events, STRATEGY, FALLBACK));
            assertEquals(describe(events), each, changes(events, FALLBACK, STRATEGY));
            // And nothing else moved the router from either (the switch to least_connections at the start
            // may arrive late, from before the test's load: it comes from neither).
            assertEquals(describe(events), 2 * each, events.received(PoolerEvents.STRATEGY_CHANGED).stream()
                    .filter(e -> Set.of(STRATEGY, FALLBACK).contains(e.getProperty(PoolerEvents.PREVIOUS_STRATEGY)))
                    .count());
            for (Event e : events.received(PoolerEvents.STRATEGY_CHANGED)) {
                assertTrue("a reason: " + e, String.valueOf(e.getProperty(PoolerEvents.REASON)).length() > 0);
            }
            assertEquals(STRATEGY, router().activeStrategy());
            assertEquals(STRATEGY, router().configuredStrategy());
        } finally {
            running.set(false);
            callers.shutdownNow();
        }
        System.out.println("StrategyHotSwapIT: " + answered.get() + " answered, by pool " + new TreeMap<>(byPool));
    }

    /**
     * A change of the active strategy's service properties (here its ranking) is no change of strategy:
     * the router rebinds it in one step, it never looks absent, and no STRATEGY_CHANGED is posted. The
     * test's own strategy service is changed and then unregistered, both from this thread, so every event
     * either posted has arrived once a marker posted afterwards from this thread has: only the
     * unregistration's change to the fallback may be among them.
     */
    @Test
    public void propertyChangeOfTheActiveStrategyIsNoChangeOfStrategy() throws Exception {
        createPool("hs_one", Map.of("size", 1, "adapter", "bench,testing"));
        createPool("hs_two", Map.of("size", 1, "adapter", "bench,testing"));
        awaitPool("hs_one", 1);
        awaitPool("hs_two", 1);
        RequestRouter router = router(); // active from here on, so strategy changes are events, not its initial state
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LoadBalancingStrategy.NAME, "it_first");
        LoadBalancingStrategy first = (candidates, profile) -> candidates.get(0);
        ServiceRegistration<LoadBalancingStrategy> reg = context.registerService(LoadBalancingStrategy.class, first, props);
        try (EventCollector events = EventCollector.register(context)) {
            useStrategy("it_first");
            events.await(PoolerEvents.STRATEGY_CHANGED, e -> "it_first".equals(e.getProperty(PoolerEvents.STRATEGY)));
            events.clear();

            props.put(Constants.SERVICE_RANKING, 5);
            reg.setProperties(props);
            assertEquals("it_first", router.activeStrategy());
            assertEquals("hs_one", router.routeAndWait(Request.of("echo", json("n", 1))).poolId());
            reg.unregister();
            // Event Admin delivers one thread's posts in order: once this marker arrived, so did every
            // event the property change and the unregistration posted (from this thread).
            String marker = PoolerEvents.TOPIC_PREFIX + "IT_MARKER";
            ServiceReference<EventAdmin> ea = context.getServiceReference(EventAdmin.class);
            context.getService(ea).postEvent(new Event(marker, Map.of()));
            events.await(marker, e -> true);

            List<Event> changes = events.received(PoolerEvents.STRATEGY_CHANGED);
            assertEquals("only the unregistration changed the strategy: " + describe(events), 1, changes.size());
            assertEquals("it_first", changes.get(0).getProperty(PoolerEvents.PREVIOUS_STRATEGY));
            assertEquals(FALLBACK, changes.get(0).getProperty(PoolerEvents.STRATEGY));
        } finally {
            try {
                reg.unregister();
            } catch (IllegalStateException gone) {
                // unregistered above
            }
        }
    }

    /** Waits until the router routes with {@code strategy} and the callers got answers under it. */
    private void phase(RequestRouter router, String strategy, String what) throws InterruptedException {
        Await.until(what + ": the active strategy is " + strategy, () -> strategy.equals(router.activeStrategy()),
                router::activeStrategy);
        long start = answered.get();
        long t0 = System.nanoTime();
        Await.until(what + ": " + PER_PHASE + " requests answered", () -> answered.get() - start >= PER_PHASE
                || !failures.isEmpty(), () -> (answered.get() - start) + " answered");
        long left = PHASE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (left > 0) {
            TimeUnit.MILLISECONDS.sleep(left); // pacing: traffic keeps flowing in this state for a while
        }
        assertTrue(what + ": failures " + failures, failures.isEmpty());
        // The newest decisions were all made in this phase, by the strategy of this phase.
        List<RoutingDecision> recent = router.recentDecisions(8);
        for (RoutingDecision d : recent) {
            assertEquals(what + ": decision " + d, strategy, d.strategy());
        }
    }

    private void call(RequestRouter router, int caller, AtomicBoolean running) {
        long n = 0;
        while (running.get()) {
            Request r = n++ % 2 == 0
                    ? Request.of("echo", json("caller", caller, "n", n))
                    : Request.of("sleep", json("ms", 2));
            try {
                Response resp = router.route(r).toCompletableFuture().get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
                byPool.merge(resp.poolId(), 1L, Long::sum);
                answered.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.add(r + ": " + PoolerException.of(e));
            }
        }
    }

    private static String describe(EventCollector events) {
        return "STRATEGY_CHANGED " + events.received(PoolerEvents.STRATEGY_CHANGED).stream()
                .map(e -> e.getProperty(PoolerEvents.PREVIOUS_STRATEGY) + "->" + e.getProperty(PoolerEvents.STRATEGY))
                .toList();
    }

    private static long changes(EventCollector events, String from, String to) {
        return events.received(PoolerEvents.STRATEGY_CHANGED).stream()
                .filter(e -> from.equals(e.getProperty(PoolerEvents.PREVIOUS_STRATEGY))
                        && to.equals(e.getProperty(PoolerEvents.STRATEGY)))
                .count();
    }
}
