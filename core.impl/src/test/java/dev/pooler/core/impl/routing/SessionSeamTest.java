package dev.pooler.core.impl.routing;

import static dev.pooler.core.impl.routing.TestSupport.config;
import static dev.pooler.core.impl.routing.TestSupport.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.SessionPlacement;
import dev.pooler.api.routing.SessionRouting;
import dev.pooler.core.impl.routing.TestSupport.RecordingEvents;
import dev.pooler.core.impl.routing.TestSupport.ScriptedStrategy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The router's affinity seam: a session's preferred pool and what each strength lets the router do. */
class SessionSeamTest {

    /** Places every session on one pool with one strength; records what it is told. */
    static final class FixedPlacement implements SessionRouting {
        final String pool;
        final AffinityStrength strength;
        final List<String> asked = new CopyOnWriteArrayList<>();
        final List<RoutingOutcome> outcomes = new CopyOnWriteArrayList<>();

        FixedPlacement(String pool, AffinityStrength strength) {
            this.pool = pool;
            this.strength = strength;
        }

        @Override
        public Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates) {
            asked.add(request.sessionId());
            return Optional.of(new SessionPlacement(pool, strength));
        }

        @Override
        public void outcome(Request request, RoutingOutcome outcome) {
            outcomes.add(outcome);
        }
    }

    private RoutingEngine router(FixedPlacement seam, TestPool... pools) {
        RoutingEngine r = new RoutingEngine(new TestRegistry(pools), config("to_a"), new RecordingEvents(), System::nanoTime);
        r.bindStrategy(ScriptedStrategy.prefer("a"), props("to_a"));
        if (seam != null) {
            r.bindSessionRouting(seam);
        }
        r.activated();
        return r;
    }

    private static Response ok(RoutingEngine r, Request q) {
        return r.route(q).toCompletableFuture().join();
    }

    private static PoolerException failure(RoutingEngine r, Request q) {
        try {
            r.route(q).toCompletableFuture().join();
        } catch (RuntimeException e) {
            return PoolerException.of(e);
        }
        throw new AssertionError("expected a failure");
    }

    private static Request session(String id) {
        return Request.builder("echo").session(id).build();
    }

    @Test
    void aSessionGoesToItsPreferredPoolAndTheSeamHearsTheOutcome() {
        FixedPlacement seam = new FixedPlacement("b", AffinityStrength.NORMAL);
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine r = router(seam, a, b);
        for (int i = 0; i < 5; i++) {
            assertEquals("b", ok(r, session("s1")).poolId());
        }
        assertEquals("a", ok(r, Request.of("echo")).poolId(), "requests without a session never ask the seam");
        assertEquals(5, seam.asked.size());
        assertEquals(5, seam.outcomes.size());
        assertTrue(seam.outcomes.stream().allMatch(o -> o.poolId().equals("b") && o.error() == null));
    }

    @Test
    void withoutTheSeamSessionsRouteLikeAnyRequest() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine r = router(null, a, b);
        assertEquals("a", ok(r, session("s1")).poolId());
        FixedPlacement seam = new FixedPlacement("b", AffinityStrength.PINNED);
        r.bindSessionRouting(seam);
        assertEquals("b", ok(r, session("s1")).poolId());
        r.unbindSessionRouting(seam);
        assertEquals("a", ok(r, session("s1")).poolId(), "the seam went away: routing as before");
    }

    @Test
    void aNormalSessionFallsBackWhenItsPoolRefuses() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b").failWith(ErrorKind.POOL_OVERLOADED);
        RoutingEngine r = router(new FixedPlacement("b", AffinityStrength.NORMAL), a, b);
        assertEquals("a", ok(r, session("s1")).poolId());
        assertEquals(1, b.executed.get());
    }

    @Test
    void aStrongSessionWaitsForItsPoolButLeavesAStoppingOne() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b").failWith(ErrorKind.POOL_OVERLOADED);
        RoutingEngine r = router(new FixedPlacement("b", AffinityStrength.STRONG), a, b);
        assertEquals(ErrorKind.POOL_OVERLOADED, failure(r, session("s1")).kind());
        assertEquals(0, a.executed.get(), "a strong session does not leave a busy pool");
        b.failWith(ErrorKind.SHUTTING_DOWN);
        assertEquals("a", ok(r, session("s1")).poolId(), "it leaves a pool that is stopping");
    }

    @Test
    void aPinnedSessionNeverFallsBack() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b").failWith(ErrorKind.SHUTTING_DOWN);
        RoutingEngine r = router(new FixedPlacement("b", AffinityStrength.PINNED), a, b);
        assertEquals(ErrorKind.SHUTTING_DOWN, failure(r, session("s1")).kind());
        assertEquals(0, a.executed.get());
        RoutingEngine gone = router(new FixedPlacement("nowhere", AffinityStrength.PINNED), a);
        PoolerException e = failure(gone, session("s2"));
        assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
        assertTrue(e.getMessage().contains("pinned to pool 'nowhere'"), e.getMessage());
        assertEquals(0, a.executed.get());
    }

    @Test
    void aWeakSessionUsesItsPoolOnlyWhileItHasAnIdleWorker() {
        TestPool a = TestPool.of("a");
        TestPool b = TestPool.of("b");
        RoutingEngine r = router(new FixedPlacement("b", AffinityStrength.WEAK), a, b);
        assertEquals("b", ok(r, session("s1")).poolId());
    }

    @Test
    void aFailingSeamIsRoutedAround() {
        TestPool a = TestPool.of("a");
        RoutingEngine r = router(null, a, TestPool.of("b"));
        r.bindSessionRouting(new SessionRouting() {
            @Override
            public Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates) {
                throw new IllegalStateException("broken");
            }

            @Override
            public void outcome(Request request, RoutingOutcome outcome) {
                throw new IllegalStateException("broken");
            }
        });
        assertEquals("a", ok(r, session("s1")).poolId());
    }
}
