package dev.pooler.core.impl.routing;

import static dev.pooler.core.impl.routing.TestSupport.config;
import static dev.pooler.core.impl.routing.TestSupport.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.core.impl.routing.TestSupport.Posted;
import dev.pooler.core.impl.routing.TestSupport.RecordingEvents;
import dev.pooler.core.impl.routing.TestSupport.ScriptedStrategy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoutingEngineTest {

    private final RecordingEvents events = new RecordingEvents();
    private RoutingEngine router(TestRegistry registry, String strategy) {
        return new RoutingEngine(registry, config(strategy), events, System::nanoTime);
    }

    private static Response ok(RoutingEngine router, Request request) {
        return router.route(request).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static PoolerException failure(RoutingEngine router, Request request) {
        return assertThrows(PoolerException.class, () -> router.routeAndWait(request));
    }

    @Test
    void onlyCapablePoolsAreCandidates() {
        TestPool embedding = TestPool.of("embedding_pool", "embedding", "similarity", "clustering");
        TestPool general = TestPool.of("general_pool");
        TestPool generation = TestPool.of("generation_pool", "generation", "completion", "reasoning");
        RoutingEngine router = router(new TestRegistry(embedding, general, generation), "s");
        ScriptedStrategy s = ScriptedStrategy.first();
        router.bindStrategy(s, props("s"));
        router.activated();

        ok(router, Request.of("embed"));
        ok(router, Request.of("complete"));
        assertEquals("general_pool", ok(router, Request.of("echo")).poolId());
        assertEquals(List.of(List.of("embedding_pool", "general_pool"), List.of("general_pool", "generation_pool")), s.seen,
                "echo had a single candidate: no strategy asked");
        assertEquals("embedding", s.profiles.get(0).capability());
        assertEquals("generation", s.profiles.get(1).capability());
    }

    @Test
    void noCapablePoolNamesTheCommandAndCapability() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("embedding_pool", "embedding")), "round_robin");
        router.activated();
        PoolerException e = failure(router, Request.of("generate"));
        assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
        assertEquals("no pool serves command 'generate' (capability 'generation')", e.getMessage());
        RoutingDecision d = router.recentDecisions(1).get(0);
        assertNull(d.poolId());
        assertEquals("NO_CAPABLE_POOL", d.outcome());
    }

    @Test
    void aPoolWhoseWorkersDoNotOfferTheCommandIsNoCandidate() {
        // both serve capability "all"; only one pool's workers said they offer 'generate'
        TestPool moods = TestPool.of("moods").commands("classify", "lexicon_info");
        TestPool text = TestPool.of("text").commands("generate", "embed", "echo");
        TestPool unknown = TestPool.of("fresh"); // no worker up yet: it says nothing, so it stays a candidate
        RoutingEngine router = router(new TestRegistry(moods, text), "round_robin");
        router.activated();
        for (int i = 0; i < 10; i++) {
            assertEquals("text", ok(router, Request.of("generate")).poolId());
        }
        assertEquals(0, moods.executed.get());
        PoolerException e = failure(router, Request.of("translate"));
        assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
        assertTrue(e.getMessage().contains("'translate'"), e.getMessage());
        RoutingEngine withUnknown = router(new TestRegistry(moods, unknown), "round_robin");
        withUnknown.activated();
        assertEquals("fresh", ok(withUnknown, Request.of("generate")).poolId());
    }

    @Test
    void stoppedAndFailedPoolsAreNotCandidates() {
        TestPool stopped = TestPool.of("a");
        stopped.state = PoolState.STOPPING;
        TestPool failed = TestPool.of("b");
        failed.state = PoolState.FAILED;
        RoutingEngine router = router(new TestRegistry(stopped, failed), "round_robin");
        router.activated();
        assertEquals(ErrorKind.NO_CAPABLE_POOL, failure(router, Request.of("echo")).kind());
        TestPool starting = TestPool.of("c");
        starting.state = PoolState.STARTING;
        RoutingEngine withStarting = router(new TestRegistry(stopped, starting), "round_robin");
        withStarting.activated();
        assertEquals("c", ok(withStarting, Request.of("echo")).poolId(), "a starting pool queues the work when none runs");
    }

    @Test
    void overloadFallsBackToTheNextCandidate() {
        TestPool full = TestPool.of("full").failWith(ErrorKind.POOL_OVERLOADED);
        TestPool spare = TestPool.of("spare");
        RoutingEngine router = router(new TestRegistry(full, spare), "s");
        ScriptedStrategy s = ScriptedStrategy.prefer("full");
        router.bindStrategy(s, props("s"));
        router.activated();

        assertEquals("spare", ok(router, Request.of("echo")).poolId());
        assertEquals(1, full.executed.get());
        assertEquals(1, spare.executed.get());
        assertEquals(List.of(List.of("full", "spare")), s.seen, "the second try had one candidate left: no need to ask");
        List<RoutingDecision> d = router.recentDecisions(10);
        assertEquals("ok", d.get(0).outcome());
        assertEquals("spare", d.get(0).poolId());
        assertEquals("POOL_OVERLOADED", d.get(1).outcome());
        assertEquals(ErrorKind.POOL_OVERLOADED, s.outcomes.get(0).error());
        assertTrue(s.outcomes.get(1).succeeded());
    }

    @Test
    void everyPoolIsTriedAtMostOnce() {
        TestPool a = TestPool.of("a").failWith(ErrorKind.POOL_OVERLOADED);
        TestPool b = TestPool.of("b").failWith(ErrorKind.SHUTTING_DOWN);
        TestPool c = TestPool.of("c").failWith(ErrorKind.POOL_OVERLOADED);
        RoutingEngine router = router(new TestRegistry(a, b, c), "round_robin");
        router.activated();
        PoolerException e = failure(router, Request.of("echo"));
        assertEquals(ErrorKind.POOL_OVERLOADED, e.kind());
        assertEquals(1, a.executed.get());
        assertEquals(1, b.executed.get());
        assertEquals(1, c.executed.get());
    }

    @Test
    void aCrashIsRetriedElsewhereOnceAndOnlyForRetryableRequests() {
        TestPool a = TestPool.of("a").failWith(ErrorKind.WORKER_CRASHED);
        TestPool b = TestPool.of("b").failWith(ErrorKind.WORKER_CRASHED);
        TestPool c = TestPool.of("c").failWith(ErrorKind.WORKER_CRASHED);
        RoutingEngine router = router(new TestRegistry(a, b, c), "round_robin");
        router.activated();
        assertEquals(ErrorKind.WORKER_CRASHED, failure(router, Request.of("echo")).kind());
        assertEquals(1, a.executed.get() + b.executed.get() + c.executed.get(), "not retryable: one run");
        assertEquals(ErrorKind.WORKER_CRASHED, failure(router, Request.builder("echo").retryable(true).build()).kind());
        assertEquals(3, a.executed.get() + b.executed.get() + c.executed.get(), "retryable: re-run once elsewhere");
        c.failWith = null;
        b.failWith = null;
        Response r = ok(router, Request.builder("echo").retryable(true).build());
        assertTrue(r.poolId().equals("b") || r.poolId().equals("c"));
    }

    @Test
    void workerErrorsAndTimeoutsAreNotRetried() {
        TestPool a = TestPool.of("a").failWith(ErrorKind.TIMEOUT);
        TestPool b = TestPool.of("b");
        RoutingEngine router = router(new TestRegistry(a, b), "s");
        router.bindStrategy(ScriptedStrategy.prefer("a"), props("s"));
        router.activated();
        assertEquals(ErrorKind.TIMEOUT, failure(router, Request.builder("echo").retryable(true).build()).kind());
        assertEquals(0, b.executed.get());
    }

    @Test
    void aNamedPoolIsUsedAloneAndAnUnknownOneIsNamedInTheError() {
        TestPool a = TestPool.of("a").failWith(ErrorKind.POOL_OVERLOADED);
        TestPool b = TestPool.of("b");
        RoutingEngine router = router(new TestRegistry(a, b), "round_robin");
        router.activated();
        assertEquals(ErrorKind.POOL_OVERLOADED, failure(router, Request.builder("echo").pool("a").build()).kind());
        assertEquals(0, b.executed.get(), "a named pool is the only one tried");
        assertEquals("b", ok(router, Request.builder("echo").pool("b").build()).poolId());

        PoolerException e = failure(router, Request.builder("echo").pool("nowhere").build());
        assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
        assertTrue(e.getMessage().contains("'nowhere'"), e.getMessage());
        assertTrue(e.getMessage().contains("'echo'"), e.getMessage());

        TestPool embedOnly = TestPool.of("embed_only", "embedding");
        RoutingEngine r2 = router(new TestRegistry(embedOnly), "round_robin");
        r2.activated();
        PoolerException wrong = failure(r2, Request.builder("generate").pool("embed_only").build());
        assertEquals(ErrorKind.NO_CAPABLE_POOL, wrong.kind());
        assertTrue(wrong.getMessage().contains("'generate'") && wrong.getMessage().contains("'generation'"), wrong.getMessage());
    }

    @Test
    void aNamedStrategyIsUsedForThatRequest() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine router = router(new TestRegistry(a, b), "to_a");
        router.bindStrategy(ScriptedStrategy.prefer("a"), props("to_a"));
        router.bindStrategy(ScriptedStrategy.prefer("b"), props("to_b"));
        router.activated();
        assertEquals("a", ok(router, Request.of("echo")).poolId());
        assertEquals("b", ok(router, Request.builder("echo").strategy("to_b").build()).poolId());
        assertEquals("b", ok(router, Request.builder("echo").strategy(":TO_B").build()).poolId());
        assertEquals("to_b", router.recentDecisions(1).get(0).strategy());
        PoolerException missing = failure(router, Request.builder("echo").strategy("missing").build());
        assertEquals(ErrorKind.BAD_REQUEST, missing.kind(), "an absent strategy named by a request is refused");
        assertTrue(missing.getMessage().contains("'missing'") && missing.getMessage().contains("[to_a, to_b]"), missing.getMessage());
        assertEquals(0, a.executed.get() - 1, "and runs nowhere");
    }

    @Test
    void withoutAnyStrategyTheRouterChoosesByLoad() {
        TestPool busy = TestPool.of("busy").latencyMicros(TimeUnit.SECONDS.toMicros(2));
        TestPool free = TestPool.of("free");
        RoutingEngine router = router(new TestRegistry(busy, free), "ml_optimized");
        router.activated();
        assertEquals(LeastLoaded.NAME, router.activeStrategy());
        assertEquals("ml_optimized", router.configuredStrategy());
        // load "busy" through a named route, then let the router choose
        for (int i = 0; i < 3; i++) {
            router.route(Request.builder("sleep").pool("busy").build());
        }
        assertEquals(3, router.inFlight("busy"));
        for (int i = 0; i < 5; i++) {
            assertEquals("free", ok(router, Request.of("echo")).poolId());
        }
        assertEquals(LeastLoaded.NAME, router.recentDecisions(1).get(0).strategy());
    }

    @Test
    void strategyLeavingFallsBackToRoundRobinAndReturns() {
        TestPool a = TestPool.of("a");
        RoutingEngine router = router(new TestRegistry(a), "ml_optimized");
        ScriptedStrategy ml = ScriptedStrategy.first();
        ScriptedStrategy rr = ScriptedStrategy.first();
        router.bindStrategy(rr, props("round_robin"));
        router.bindStrategy(ml, props("ml_optimized"));
        router.activated();
        assertEquals("ml_optimized", router.activeStrategy());
        assertTrue(events.of(PoolerEvents.STRATEGY_CHANGED).isEmpty(), "initial binding is not a change");

        router.unbindStrategy(ml, props("ml_optimized"));
        assertEquals("round_robin", router.activeStrategy());
        Posted left = events.of(PoolerEvents.STRATEGY_CHANGED).get(0);
        assertEquals("round_robin", left.properties().get(PoolerEvents.STRATEGY));
        assertEquals("ml_optimized", left.properties().get(PoolerEvents.PREVIOUS_STRATEGY));
        assertTrue(left.properties().get(PoolerEvents.REASON).toString().contains("ml_optimized"));
        ok(router, Request.of("echo"));
        assertEquals("round_robin", router.recentDecisions(1).get(0).strategy());

        router.bindStrategy(ml, props("ml_optimized"));
        assertEquals("ml_optimized", router.activeStrategy());
        Posted back = events.of(PoolerEvents.STRATEGY_CHANGED).get(1);
        assertEquals("ml_optimized", back.properties().get(PoolerEvents.STRATEGY));
        assertEquals("round_robin", back.properties().get(PoolerEvents.PREVIOUS_STRATEGY));

        // round_robin leaves too, while ml is present: nothing changes
        router.unbindStrategy(rr, props("round_robin"));
        assertEquals(2, events.of(PoolerEvents.STRATEGY_CHANGED).size());
        assertEquals(Set.of("ml_optimized"), router.availableStrategies());
        // the last one leaves: the built-in choice, and routing still works
        router.unbindStrategy(ml, props("ml_optimized"));
        assertEquals(LeastLoaded.NAME, router.activeStrategy());
        assertEquals("a", ok(router, Request.of("echo")).poolId());
    }

    @Test
    void withoutRoundRobinAnyPresentStrategyStandsIn() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a")), "ml_optimized");
        router.bindStrategy(ScriptedStrategy.first(), props("p2c"));
        router.bindStrategy(ScriptedStrategy.first(), props("least_connections"));
        router.activated();
        assertEquals("least_connections", router.activeStrategy(), "first by name");
    }

    @Test
    void theHigherRankedOfTwoSameNamedStrategiesWins() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine router = router(new TestRegistry(a, b), "x");
        ScriptedStrategy low = ScriptedStrategy.prefer("a");
        ScriptedStrategy high = ScriptedStrategy.prefer("b");
        router.bindStrategy(low, Map.of(LoadBalancingStrategy.NAME, "x", "service.id", 1L));
        router.bindStrategy(high, Map.of(LoadBalancingStrategy.NAME, "x", "service.id", 2L,
                "service.ranking", 10));
        router.activated();
        assertEquals("b", ok(router, Request.of("echo")).poolId());
        router.unbindStrategy(high, Map.of());
        assertEquals("a", ok(router, Request.of("echo")).poolId());
    }

    @Test
    void outcomesGoToTheStrategyThatChose() {
        TestPool a = TestPool.of("a");
        RoutingEngine router = router(new TestRegistry(a, TestPool.of("b")), "s");
        ScriptedStrategy s = ScriptedStrategy.prefer("a");
        router.bindStrategy(s, props("s"));
        router.activated();
        ok(router, Request.of("echo"));
        assertEquals(1, s.outcomes.size());
        assertEquals("a", s.outcomes.get(0).poolId());
        assertEquals(2_000, s.outcomes.get(0).latencyNanos());
        assertEquals("echo", s.outcomes.get(0).profile().command());
    }

    @Test
    void anUnboundStrategyIsNotFedLateOutcomes() throws Exception {
        TestPool slow = TestPool.of("slow").latencyMicros(50_000);
        RoutingEngine router = router(new TestRegistry(slow, TestPool.of("other")), "s");
        ScriptedStrategy s = ScriptedStrategy.prefer("slow");
        router.bindStrategy(s, props("s"));
        router.activated();
        var pending = router.route(Request.of("echo")).toCompletableFuture();
        router.unbindStrategy(s, props("s"));
        assertEquals("slow", pending.get(5, TimeUnit.SECONDS).poolId());
        assertTrue(s.outcomes.isEmpty());
    }

    @Test
    void aFailingStrategyDoesNotFailTheRequest() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a"), TestPool.of("b")), "broken");
        router.bindStrategy(new ScriptedStrategy(c -> {
            throw new IllegalStateException("boom");
        }), props("broken"));
        router.activated();
        assertTrue(Set.of("a", "b").contains(ok(router, Request.of("echo")).poolId()));
        assertEquals(LeastLoaded.NAME, router.recentDecisions(1).get(0).strategy());
        RoutingEngine foreign = router(new TestRegistry(TestPool.of("a"), TestPool.of("b")), "foreign");
        foreign.bindStrategy(new ScriptedStrategy(c -> null), props("foreign"));
        foreign.activated();
        assertTrue(Set.of("a", "b").contains(ok(foreign, Request.of("echo")).poolId()));
    }

    @Test
    void inFlightCountsFromDispatchToAnswer() throws Exception {
        TestPool slow = TestPool.of("slow").latencyMicros(100_000);
        RoutingEngine router = router(new TestRegistry(slow), "s");
        ScriptedStrategy s = ScriptedStrategy.first();
        router.bindStrategy(s, props("s"));
        router.activated();
        var first = router.route(Request.of("echo")).toCompletableFuture();
        var second = router.route(Request.of("echo")).toCompletableFuture();
        assertEquals(2, router.inFlight("slow"));
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        assertEquals(0, router.inFlight("slow"));
    }

    @Test
    void snapshotsCarryStatsConfigAndTheRoutersCounts() {
        TestPool p = new TestPool(PoolConfig.builder().poolId("emb").poolType(PoolType.EMBEDDING).size(3)
                .specialization("ada-002").geographicZone("eu").capabilities("embedding").build());
        p.rssKb = 123_456;
        RoutingEngine router = router(new TestRegistry(p, TestPool.of("other")), "s");
        List<PoolSnapshot> seen = new CopyOnWriteArrayList<>();
        router.bindStrategy(new ScriptedStrategy(c -> {
            seen.addAll(c);
            return c.get(0);
        }), props("s"));
        router.activated();
        ok(router, Request.of("embed"));
        var s = seen.get(0);
        assertEquals("emb", s.poolId());
        assertEquals(PoolType.EMBEDDING, s.type());
        assertEquals("ada-002", s.specialization());
        assertEquals("eu", s.zone());
        assertEquals(3, s.workers());
        assertEquals(123_456, s.avgRssKb());
        assertEquals(-1, s.cpuLoad());
        assertEquals(1.0, s.health());
        assertEquals(0, s.inFlight());
    }

    @Test
    void argumentsHintTypeZoneAndSpecialization() {
        TestPool eu = new TestPool(PoolConfig.builder().poolId("eu").geographicZone("eu").build());
        TestPool us = new TestPool(PoolConfig.builder().poolId("us").geographicZone("us").build());
        TestPool gen = new TestPool(PoolConfig.builder().poolId("gen").poolType(PoolType.GENERATION).geographicZone("us").build());
        RoutingEngine router = router(new TestRegistry(eu, us, gen), "s");
        ScriptedStrategy s = ScriptedStrategy.first();
        router.bindStrategy(s, props("s"));
        router.activated();
        JsonObject args = new JsonObject();
        args.addProperty("zone", "us");
        args.addProperty("model", "gpt-4");
        ok(router, Request.of("echo", args));
        assertEquals(List.of("us", "gen"), s.seen.get(0), "zone preferred");
        assertEquals("gpt-4", s.profiles.get(0).specializationNeeded());
        assertEquals("us", s.profiles.get(0).zone());

        JsonObject typed = new JsonObject();
        typed.addProperty("pool_type", "generation");
        assertEquals("gen", ok(router, Request.of("echo", typed)).poolId());

        JsonObject nowhere = new JsonObject();
        nowhere.addProperty("zone", "mars");
        ok(router, Request.of("echo", nowhere));
        assertEquals(List.of("eu", "us", "gen"), s.seen.get(s.seen.size() - 1), "no pool in the zone: any zone");

        JsonObject badType = new JsonObject();
        badType.addProperty("pool_type", "quantum");
        PoolerException e = failure(router, Request.of("echo", badType));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("pool_type"));
    }

    @Test
    void theProfileLearnsExpectedDurationAndCarriesPriorityAndSession() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine router = router(new TestRegistry(a, b), "s");
        ScriptedStrategy s = ScriptedStrategy.first();
        router.bindStrategy(s, props("s"));
        router.activated();
        ok(router, Request.builder("classify").session("sess-1").priority(RequestPriority.HIGH).build());
        var first = s.profiles.get(0);
        assertEquals("classification", first.capability());
        assertEquals(0.0, first.expectedDurationMs());
        assertEquals("sess-1", first.sessionId());
        assertEquals(RequestPriority.HIGH, first.priority());
        ok(router, Request.of("classify"));
        assertEquals(0.001, s.profiles.get(1).expectedDurationMs(), 1e-9, "TestPool serves in 1 us");
        assertTrue(s.profiles.get(1).complexity() > 0);
    }

    @Test
    void requestRoutedEventsCarryTheSeedsProperties() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a"), TestPool.of("b")), "s");
        router.bindStrategy(ScriptedStrategy.prefer("b"), props("s"));
        router.activated();
        ok(router, Request.of("embed_batch"));
        Posted p = events.of(PoolerEvents.REQUEST_ROUTED).get(0);
        assertEquals("b", p.properties().get(PoolerEvents.POOL_ID));
        assertEquals("s", p.properties().get(PoolerEvents.STRATEGY));
        assertEquals("embed_batch", p.properties().get(PoolerEvents.REQUEST_TYPE));
        assertEquals("embedding", p.properties().get("capability"));
        assertTrue((Long) p.properties().get(PoolerEvents.ROUTING_TIME) > 0);
        assertTrue(p.properties().get(PoolerEvents.COMPLEXITY) instanceof Double);
    }

    @Test
    void routedEventsCanBeSampledOrSwitchedOff() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(TestPool.of("a")), config("round_robin", 0, true, 0.7, 10),
                events, System::nanoTime);
        router.activated();
        for (int i = 0; i < 100; i++) {
            ok(router, Request.of("echo"));
        }
        assertEquals(10, events.of(PoolerEvents.REQUEST_ROUTED).size());
        router.modified(config("round_robin", 0, true, 0.7, 0));
        for (int i = 0; i < 100; i++) {
            ok(router, Request.of("echo"));
        }
        assertEquals(10, events.of(PoolerEvents.REQUEST_ROUTED).size());
    }

    @Test
    void withoutEventAdminNothingIsPosted() {
        // the DS constructor: events go to Event Admin, and none is bound
        org.osgi.framework.BundleContext context = (org.osgi.framework.BundleContext) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.osgi.framework.BundleContext.class}, (o, m, a) -> null);
        RoutingEngine router = new RoutingEngine(new TestRegistry(TestPool.of("a")), config("round_robin"), context);
        router.activated();
        assertEquals("a", ok(router, Request.of("echo")).poolId());
    }

    @Test
    void recentDecisionsAreNewestFirstAndBounded() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a")), "round_robin");
        router.activated();
        for (int i = 0; i < RoutingEngine.DECISIONS_KEPT + 50; i++) {
            ok(router, Request.of(i % 2 == 0 ? "echo" : "sleep"));
        }
        List<RoutingDecision> all = router.recentDecisions(1_000);
        assertEquals(RoutingEngine.DECISIONS_KEPT, all.size());
        assertEquals("sleep", all.get(0).command());
        assertEquals("echo", all.get(1).command());
        assertEquals(3, router.recentDecisions(3).size());
        assertTrue(all.stream().allMatch(d -> d.outcome().equals("ok")));
    }

    @Test
    void decisionTimesAreCountedPerStrategyIncludingFailedDecisions() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a"), TestPool.of("b")), "round_robin");
        router.activated();
        for (int i = 0; i < 7; i++) {
            ok(router, Request.of("echo"));
        }
        ok(router, Request.builder("echo").pool("b").build());
        failure(router, Request.builder("echo").pool("nowhere").build());
        Map<String, Long> byStrategy = new java.util.TreeMap<>();
        router.latencyHistograms().routingDecision()
                .forEach(h -> byStrategy.put(h.labels().get("strategy"), h.count()));
        // one observation per decision, under the strategy the decision log names (a failed one too)
        Map<String, Long> logged = new java.util.TreeMap<>();
        router.recentDecisions(100).forEach(d -> logged.merge(d.strategy(), 1L, Long::sum));
        assertEquals(9L, logged.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(1L, logged.get("named_pool"));
        assertEquals(logged, byStrategy);
        assertTrue(router.latencyHistograms().requestDuration().isEmpty(), "per-pool lists are the pools' to fill");
    }

    @Test
    void aStoppedRouterRefuses() {
        RoutingEngine router = router(new TestRegistry(TestPool.of("a")), "round_robin");
        router.activated();
        router.deactivated();
        assertEquals(ErrorKind.SHUTTING_DOWN, failure(router, Request.of("echo")).kind());
    }

    @Test
    void withNoPoolAtAllTheDefaultPoolIsAsked() {
        TestRegistry empty = new TestRegistry();
        RoutingEngine router = router(empty, "round_robin");
        router.activated();
        assertEquals(ErrorKind.NO_CAPABLE_POOL, failure(router, Request.of("echo")).kind());
        empty.registerPool(PoolConfig.builder().poolId("default").build());
        assertEquals("default", ok(router, Request.of("echo")).poolId());
    }
}
