package dev.pooler.core.impl.routing;

import static dev.pooler.core.impl.routing.TestSupport.props;
import static dev.pooler.core.impl.routing.TestSupport.zones;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.routing.TestSupport.RecordingEvents;
import dev.pooler.core.impl.routing.TestSupport.ScriptedStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Zone-aware routing (issue 12): the caller's zone (the request's, else the node's) is preferred, other zones take
 * requests when all its pools are overloaded, and {@code zone.preference} / {@code zone.spill.load} say how.
 */
class ZoneRoutingTest {

    private final RecordingEvents events = new RecordingEvents();
    /** Two workers in this node's zone (east, by the node: its zone is the default one), two in the west. */
    private final TestPool local = pool("local", PoolConfig.DEFAULT_ZONE, 2);
    private final TestPool west = remote(pool("general@w1", "west", 2), "w1");
    /** Chooses the other zone's pool whenever it is offered: what it is offered shows in what serves. */
    private final ScriptedStrategy strategy = ScriptedStrategy.prefer("general@w1");

    private static TestPool pool(String id, String zone, int size) {
        return new TestPool(PoolConfig.builder().poolId(id).geographicZone(zone).size(size).build());
    }

    private static TestPool remote(TestPool p, String node) {
        p.remoteNode = node;
        return p;
    }

    private RoutingEngine router(String preference, double spillLoad, TestPool... pools) {
        RoutingEngine router = new RoutingEngine(new TestRegistry(pools), zones("s", preference, spillLoad), events,
                System::nanoTime, "east");
        router.bindStrategy(strategy, props("s"));
        router.activated();
        return router;
    }

    private static Response ok(RoutingEngine router, Request request) {
        return router.route(request).toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** Sends {@code n} requests that the (held) pool keeps busy; returns their answers to come. */
    private static List<CompletableFuture<Response>> fill(RoutingEngine router, TestPool pool, int n) {
        pool.hold = true;
        List<CompletableFuture<Response>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(router.route(Request.builder("echo").pool(pool.id()).build()).toCompletableFuture());
        }
        return out;
    }

    /** How many candidates the last decision had (after the zone rule). */
    private static int candidates(RoutingEngine router) {
        return router.recentDecisions(1).get(0).candidates();
    }

    @Test
    void idleLocalPoolsKeepTheRequestsInTheNodesZone() {
        RoutingEngine router = router("prefer", 1.0, local, west);
        assertEquals("east", router.nodeZone());
        for (int i = 0; i < 5; i++) {
            assertEquals("local", ok(router, Request.of("echo")).poolId(),
                    "a local pool of the default zone serves in the node's zone");
        }
        assertEquals(1, candidates(router));
        assertEquals(0, router.zoneSpills());
    }

    @Test
    void theRequestsZoneOutranksTheNodes() {
        RoutingEngine router = router("prefer", 1.0, local, west);
        JsonObject args = new JsonObject();
        args.addProperty("zone", "west");
        assertEquals("general@w1", ok(router, Request.of("echo", args)).poolId());
        assertEquals(1, candidates(router));
    }

    @Test
    void aSaturatedZoneSpillsAndTakesItsRequestsBackWhenItsLoadFalls() {
        RoutingEngine router = router("prefer", 1.0, local, west);
        List<CompletableFuture<Response>> busy = fill(router, local, 2); // both local workers busy: load 1.0
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId(), "spilled to the other zone");
        assertEquals(1, candidates(router), "only the other zone's pool with room");
        assertEquals(1, router.zoneSpills());

        local.release();
        busy.forEach(f -> assertEquals("local", f.orTimeout(5, TimeUnit.SECONDS).join().poolId()));
        assertEquals("local", ok(router, Request.of("echo")).poolId(), "load fell: back to the caller's zone");
        assertEquals(1, candidates(router));
        assertEquals(1, router.zoneSpills(), "no spill since");
    }

    @Test
    void whenEveryZoneIsOverloadedTheCallersKeepsItsRequests() {
        RoutingEngine router = router("prefer", 1.0, local, west);
        List<CompletableFuture<Response>> busy = fill(router, local, 2);
        busy.addAll(fill(router, west, 2));
        busy.add(router.route(Request.of("echo")).toCompletableFuture());
        assertEquals("local", router.recentDecisions(1).get(0).poolId());
        assertEquals(1, candidates(router));
        assertEquals(0, router.zoneSpills());
        local.release();
        west.release();
        busy.forEach(f -> f.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void oneFreePoolInTheZoneIsEnoughToStay() {
        TestPool local2 = pool("local2", "east", 2);
        RoutingEngine router = router("prefer", 1.0, local2, local, west);
        List<CompletableFuture<Response>> busy = fill(router, local, 2);
        assertEquals("local2", ok(router, Request.of("echo")).poolId());
        assertEquals(List.of("local2", "local"), strategy.seen.get(0), "the zone's pools, the busy one too");
        assertEquals(0, router.zoneSpills());
        local.release();
        busy.forEach(f -> f.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void theSpillLoadSaysWhenAPoolIsOverloaded() {
        RoutingEngine router = router("prefer", 1.5, local, west);
        List<CompletableFuture<Response>> busy = fill(router, local, 2); // 1.0 per worker: below 1.5
        CompletableFuture<Response> queued = router.route(Request.of("echo")).toCompletableFuture();
        busy.add(queued);
        assertEquals("local", router.recentDecisions(1).get(0).poolId(), "1.0 < 1.5: stays (and queues)");
        assertEquals(1, candidates(router));
        // now 3 outstanding on 2 workers: 1.5
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId());
        local.release();
        busy.forEach(f -> f.orTimeout(5, TimeUnit.SECONDS).join());
    }

    @Test
    void aZoneWithoutARunningPoolSpills() {
        RoutingEngine router = router("prefer", 1.0, local, west);
        local.state = dev.pooler.api.PoolState.RECOVERING;
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId());
        assertEquals(1, candidates(router));
    }

    @Test
    void strictKeepsOverloadedZonesRequestsUntilItsPoolsRefuse() {
        RoutingEngine router = router("strict", 1.0, local, west);
        List<CompletableFuture<Response>> busy = fill(router, local, 2);
        busy.add(router.route(Request.of("echo")).toCompletableFuture());
        assertEquals("local", router.recentDecisions(1).get(0).poolId(), "strict: overloaded, still the caller's zone");
        assertEquals(1, candidates(router));
        assertEquals(0, router.zoneSpills());
        local.release();
        busy.forEach(f -> assertEquals("local", f.orTimeout(5, TimeUnit.SECONDS).join().poolId()));

        local.failWith(ErrorKind.POOL_OVERLOADED);
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId(), "its pool refused: another zone's takes it");
    }

    @Test
    void noneIgnoresZones() {
        RoutingEngine router = router("none", 1.0, local, west);
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId());
        assertEquals(2, candidates(router));
    }

    @Test
    void aRemotePoolOfTheDefaultZoneIsNotInThisNodesZone() {
        TestPool unzoned = remote(pool("general@w2", PoolConfig.DEFAULT_ZONE, 2), "w2");
        RoutingEngine router = router("prefer", 1.0, local, unzoned);
        assertEquals("local", ok(router, Request.of("echo")).poolId());
        assertEquals(1, candidates(router));
    }

    @Test
    void snapshotsCarryTheZoneThePoolServesIn() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(local, west), zones("all", "none", 1.0), events,
                System::nanoTime, "east");
        List<String> zonesSeen = new ArrayList<>();
        router.bindStrategy(new ScriptedStrategy(c -> {
            c.forEach(s -> zonesSeen.add(s.zone()));
            return c.get(0);
        }), props("all"));
        router.activated();
        ok(router, Request.of("echo"));
        assertEquals(List.of("east", "west"), zonesSeen);
    }

    @Test
    void aNodeGivenNoZonePrefersNoneUnlessTheRequestNamesOne() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(local, west), zones("s", "prefer", 1.0), events,
                System::nanoTime);
        router.bindStrategy(strategy, props("s"));
        router.activated();
        assertEquals(PoolConfig.DEFAULT_ZONE, router.nodeZone());
        assertEquals("general@w1", ok(router, Request.of("echo")).poolId(), "one node as before: zones play no part");
        assertEquals(2, candidates(router));
        JsonObject args = new JsonObject();
        args.addProperty("zone", PoolConfig.DEFAULT_ZONE);
        assertEquals("local", ok(router, Request.of("echo", args)).poolId());
    }

    @Test
    void badZoneSettingsAreRefusedNamingTheKey() {
        assertEquals("zone.preference", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(zones("s", "sideways", 1.0))).field());
        assertTrue(assertThrows(InvalidConfigException.class, () -> RouterSettings.from(zones("s", "", 1.0)))
                .getMessage().contains("prefer, strict or none"));
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("zone.spill.load", assertThrows(InvalidConfigException.class,
                    () -> RouterSettings.from(zones("s", "prefer", bad))).field(), "spill load " + bad);
        }
        assertEquals(ZoneRule.Preference.STRICT, RouterSettings.from(zones("s", " Strict ", 0.5)).zones().preference());
        assertEquals(ZoneRule.DEFAULTS, RouterSettings.from(TestSupport.config("s")).zones());
    }

    @Test
    void aBadZoneChangeLeavesTheRuleInForce() {
        RoutingEngine router = router("strict", 2.0, local, west);
        router.modified(zones("s", "prefer", -3));
        assertEquals(new ZoneRule(ZoneRule.Preference.STRICT, 2.0), router.settings().zones());
        assertEquals("zone.spill.load", events.of(PoolerEvents.CONFIG_REJECTED).get(0).properties().get(PoolerEvents.FIELD));
        router.modified(zones("s", "none", 0.5));
        assertEquals(new ZoneRule(ZoneRule.Preference.NONE, 0.5), router.settings().zones());
    }
}
