package dev.pooler.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Priority;
import dev.pooler.api.Request;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.SessionPlacement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AffinityPolicyTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<Map<String, Object>> migrated = new ArrayList<>();
    private final Map<String, List<String>> capable = new HashMap<>();
    private final PoolDirectory pools = new PoolDirectory() {
        @Override
        public boolean exists(String poolId) {
            return capable.values().stream().anyMatch(l -> l.contains(poolId));
        }

        @Override
        public String whyUnavailable(String poolId, String capability) {
            return exists(poolId) ? "request_type_unsupported" : "pool_gone";
        }

        @Override
        public List<String> capable(String capability) {
            return capable.getOrDefault(capability, List.of());
        }
    };
    /** Pushes asked for, as "session>pool". */
    private final List<String> pushes = new ArrayList<>();
    private AffinityPolicy policy = policy(AffinitySettings.DEFAULTS);

    private AffinityPolicy policy(AffinitySettings settings) {
        return new AffinityPolicy(settings, pools, session -> session.length() * 10, (topic, p) -> {
            assertEquals(PoolerEvents.SESSION_MIGRATED, topic);
            migrated.add(p);
        }, clock::get, (session, pool) -> pushes.add(session + ">" + pool));
    }

    private static AffinitySettings sync(SessionDataSync mode) {
        AffinitySettings d = AffinitySettings.DEFAULTS;
        return new AffinitySettings(d.defaultStrength(), d.timeoutSeconds(), d.crossPoolMigration(), mode);
    }

    private static PoolSnapshot pool(String id, int inFlight) {
        return new PoolSnapshot(id, PoolType.GENERAL, Priority.MEDIUM, null, "default", Set.of("all"), 4, Math.min(4, inFlight),
                Math.max(0, inFlight - 4), inFlight, 0, 0, 1.0, -1, -1);
    }

    private static Request request(String session) {
        return Request.builder("execute_program").session(session).build();
    }

    private static RequestProfile profile() {
        return RequestProfile.simple("execute_program", "text");
    }

    private static RoutingOutcome ok(String pool) {
        return new RoutingOutcome(pool, profile(), 0, 1_000, null);
    }

    /** A new session's first request: the strategy runs it on {@code ranOn}; returns where its affinity went. */
    private String newSession(String session, String ranOn, List<PoolSnapshot> candidates) {
        assertEquals(Optional.empty(), policy.place(request(session), profile(), candidates));
        policy.outcome(request(session), ok(ranOn));
        return policy.mapping(session).orElseThrow().poolId();
    }

    @Test
    void aNewSessionKeepsThePoolItsFirstRequestRanOn() {
        List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
        assertEquals("b", newSession("s1", "b", both));
        for (int i = 0; i < 10; i++) {
            assertEquals(Optional.of(new SessionPlacement("b", AffinityStrength.NORMAL)), policy.place(request("s1"), profile(), both));
            policy.outcome(request("s1"), ok("b"));
        }
        SessionMapping m = policy.mapping("s1").orElseThrow();
        assertEquals(10, m.requestCount());
        assertEquals(AffinityStrength.NORMAL, m.strength());
        assertEquals(10, policy.stats(0).hits());
        assertEquals(1.0, policy.stats(0).hitRate());
    }

    @Test
    void eagerSyncPushesTheDataWhereverTheAffinityIsSetOrMoves() {
        policy = policy(sync(SessionDataSync.EAGER));
        capable.put("text", List.of("a", "b"));
        List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
        newSession("s", "a", both);
        assertEquals(List.of("s>a"), pushes, "the new session's pool gets its data for its other workers");
        policy.place(request("s"), profile(), both);
        policy.outcome(request("s"), ok("a"));
        assertEquals(1, pushes.size(), "an ordinary request pushes nothing");
        policy.establish("s", "b", AffinityStrength.NORMAL);
        assertEquals(List.of("s>a", "s>b"), pushes);
        policy.place(request("s"), profile(), List.of(pool("a", 0))); // b cannot take it: the session moves to a
        assertEquals(List.of("s>a", "s>b", "s>a"), pushes);
    }

    @Test
    void lazyAndManualSyncPushNothing() {
        capable.put("text", List.of("a", "b"));
        for (SessionDataSync mode : List.of(SessionDataSync.LAZY, SessionDataSync.MANUAL)) {
            policy = policy(sync(mode));
            List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
            newSession("s" + mode, "a", both);
            policy.establish("s" + mode, "b", AffinityStrength.NORMAL);
        }
        assertEquals(List.of(), pushes);
    }

    @Test
    void withManualSyncANewSessionKeepsThePoolHoldingItsData() {
        policy = policy(sync(SessionDataSync.MANUAL));
        List<PoolSnapshot> three = List.of(pool("a", 0), pool("b", 0), pool("c", 0));
        for (int i = 0; i < 30; i++) {
            assertEquals("a", newSession("s" + i, "a", three), "bounded load would move it off a; its data is only on a");
        }
        assertEquals(Map.of("a", 30), policy.sessionsByPool());
    }

    @Test
    void savedMappingsComeBackUnlessExpiredOrReplaced() {
        capable.put("text", List.of("a", "b"));
        List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
        newSession("kept", "a", both);
        newSession("old", "b", both);
        clock.addAndGet(AffinitySettings.DEFAULT_TIMEOUT_S * 1000 - 10);
        policy.place(request("kept"), profile(), both); // used again: not expired
        List<SessionMapping> saved = policy.mappings();

        clock.addAndGet(20);
        AffinityPolicy restarted = policy(AffinitySettings.DEFAULTS);
        restarted.establish("new", "b", AffinityStrength.PINNED);
        List<SessionMapping> withNew = new ArrayList<>(saved);
        withNew.add(new SessionMapping("new", "a", AffinityStrength.WEAK, 0, 0, clock.get()));
        assertEquals(1, restarted.restore(withNew));
        assertEquals("a", restarted.mapping("kept").orElseThrow().poolId());
        assertEquals(1, restarted.mapping("kept").orElseThrow().requestCount());
        assertTrue(restarted.mapping("old").isEmpty(), "expired while the service was away");
        assertEquals(AffinityStrength.PINNED, restarted.mapping("new").orElseThrow().strength(), "the live one wins");
    }

    @Test
    void aRefusedFirstAttemptLetsTheNextAttemptPlaceTheSession() {
        List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
        policy.place(request("s"), profile(), both);
        policy.outcome(request("s"), new RoutingOutcome("a", profile(), 0, 0, ErrorKind.POOL_OVERLOADED));
        assertTrue(policy.mapping("s").isEmpty());
        policy.outcome(request("s"), ok("b"));
        assertEquals("b", policy.mapping("s").orElseThrow().poolId());
    }

    @Test
    void boundedLoadSendsANewSessionAwayFromAFullPool() {
        List<PoolSnapshot> three = List.of(pool("a", 0), pool("b", 0), pool("c", 0));
        // the strategy keeps choosing a: a may hold ceil(1.25 * (n + 1) / 3) sessions
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            placed.add(newSession("s" + i, "a", three));
        }
        Map<String, Integer> byPool = policy.sessionsByPool();
        assertEquals(30, byPool.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(BoundedLoad.capacity(29, 3), byPool.get("a").longValue(), byPool.toString());
        assertTrue(byPool.get("a") <= Math.ceil(1.25 * 30 / 3), byPool.toString());
        assertTrue(byPool.get("b") >= 8 && byPool.get("c") >= 8, byPool.toString());
        assertEquals("a", placed.get(0));
    }

    @Test
    void withoutTheBoundTheStrategysPickKeepsEveryNewSession() {
        policy.boundedLoadEpsilon(BoundedLoad.UNBOUNDED);
        List<PoolSnapshot> three = List.of(pool("a", 0), pool("b", 0), pool("c", 0));
        for (int i = 0; i < 30; i++) {
            assertEquals("a", newSession("s" + i, "a", three));
        }
        assertEquals(Map.of("a", 30), policy.sessionsByPool());
        assertEquals(Long.MAX_VALUE, BoundedLoad.capacity(29, 3, BoundedLoad.UNBOUNDED));
    }

    @Test
    void boundedLoadLeavesABalancedChoiceToTheStrategy() {
        List<PoolSnapshot> two = List.of(pool("a", 0), pool("b", 0));
        for (int i = 0; i < 20; i++) {
            String ranOn = i % 2 == 0 ? "a" : "b";
            assertEquals(ranOn, newSession("s" + i, ranOn, two));
        }
    }

    @Test
    void boundedLoadBreaksTiesByOutstandingWork() {
        assertEquals("c", BoundedLoad.leastLoaded(List.of(new Candidate("b", 3.0), new Candidate("c", 0.5)), Map.of("a", 5)));
        assertEquals(2, BoundedLoad.capacity(0, 1)); // ceil(1.25 * 1 / 1)
        assertEquals(1, BoundedLoad.capacity(0, 2));
    }

    @Test
    void anAffinityExpiresAfterItsTimeout() {
        policy.settings(new AffinitySettings(AffinityStrength.NORMAL, 60, true, SessionDataSync.LAZY));
        List<PoolSnapshot> both = List.of(pool("a", 0), pool("b", 0));
        newSession("s", "a", both);
        clock.addAndGet(59_000);
        assertEquals("a", policy.place(request("s"), profile(), both).orElseThrow().poolId()); // an access renews it
        clock.addAndGet(59_999);
        assertTrue(policy.mapping("s").isPresent());
        clock.addAndGet(1);
        assertTrue(policy.mapping("s").isEmpty());
        assertTrue(policy.mappings().isEmpty());
        assertEquals(Optional.empty(), policy.place(request("s"), profile(), both)); // new again: the strategy places it
        policy.outcome(request("s"), ok("b"));
        assertEquals("b", policy.mapping("s").orElseThrow().poolId());
    }

    @Test
    void aSessionWhosePoolCannotServeMovesToTheLeastLoadedCompatiblePool() {
        newSession("sess", "a", List.of(pool("a", 0), pool("b", 0)));
        newSession("other", "b", List.of(pool("a", 0), pool("b", 0)));
        capable.put("text", List.of("a", "b", "c"));
        List<PoolSnapshot> withoutA = List.of(pool("b", 0), pool("c", 0));
        assertEquals(Optional.of(new SessionPlacement("c", AffinityStrength.NORMAL)), policy.place(request("sess"), profile(), withoutA));
        assertEquals("c", policy.mapping("sess").orElseThrow().poolId());
        assertEquals(1, migrated.size());
        Map<String, Object> e = migrated.get(0);
        assertEquals("sess", e.get(PoolerEvents.SESSION_ID));
        assertEquals("a", e.get(PoolerEvents.FROM_POOL));
        assertEquals("c", e.get(PoolerEvents.TO_POOL));
        assertEquals("request_type_unsupported", e.get(PoolerEvents.REASON));
        assertEquals(40, e.get(PoolerEvents.DATA_SIZE));
        assertTrue(e.get(PoolerEvents.MIGRATION_TIME) instanceof Double);
        assertEquals(1, policy.stats(0).migrations());
        // the next request stays on the new pool, without another move
        assertEquals("c", policy.place(request("sess"), profile(), withoutA).orElseThrow().poolId());
        assertEquals(1, migrated.size());
    }

    @Test
    void aPinnedSessionNeverMoves() {
        capable.put("text", List.of("a", "b"));
        policy.establish("s", "a", AffinityStrength.PINNED);
        assertEquals(Optional.of(new SessionPlacement("a", AffinityStrength.PINNED)),
                policy.place(request("s"), profile(), List.of(pool("b", 0))));
        assertEquals("a", policy.mapping("s").orElseThrow().poolId());
        assertTrue(migrated.isEmpty());
    }

    @Test
    void withMigrationOffTheStrategyChoosesAndTheAffinityStays() {
        policy = policy(new AffinitySettings(AffinityStrength.STRONG, 3600, false, SessionDataSync.LAZY));
        capable.put("text", List.of("a", "b"));
        newSession("s", "a", List.of(pool("a", 0)));
        assertEquals(AffinityStrength.STRONG, policy.mapping("s").orElseThrow().strength());
        assertEquals(Optional.empty(), policy.place(request("s"), profile(), List.of(pool("b", 0))));
        policy.outcome(request("s"), ok("b"));
        assertEquals("a", policy.mapping("s").orElseThrow().poolId());
        assertEquals(1, policy.stats(0).misses());
        assertTrue(migrated.isEmpty());
    }

    @Test
    void aRequestNamingAStrategyIsLeftToIt() {
        newSession("s", "a", List.of(pool("a", 0), pool("b", 0)));
        Request byStrategy = Request.builder("execute_program").session("s").strategy("p2c").build();
        assertEquals(Optional.empty(), policy.place(byStrategy, profile(), List.of(pool("a", 0), pool("b", 0))));
        assertEquals("a", policy.mapping("s").orElseThrow().poolId());
    }

    @Test
    void preferredPoolMovesTheSessionLikeARequestWould() {
        capable.put("text", List.of("a"));
        capable.put("embedding", List.of("e"));
        newSession("s", "a", List.of(pool("a", 0)));
        assertEquals(Optional.of("a"), policy.preferredPool("s", "text"));
        assertEquals(Optional.of("e"), policy.preferredPool("s", "embedding"));
        assertEquals("e", policy.mapping("s").orElseThrow().poolId());
        assertEquals(Optional.empty(), policy.preferredPool("unknown", "text"));
        policy.establish("p", "a", AffinityStrength.PINNED);
        assertEquals(Optional.empty(), policy.preferredPool("p", "embedding"));
    }

    @Test
    void establishRefusesAnUnknownPool() {
        PoolerException e = assertThrows(PoolerException.class, () -> policy.establish("s", "nope", AffinityStrength.PINNED));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertFalse(policy.forget("s"));
    }
}
