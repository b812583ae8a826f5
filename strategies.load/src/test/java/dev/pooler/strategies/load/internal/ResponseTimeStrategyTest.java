package dev.pooler.strategies.load.internal;

import static dev.pooler.strategies.load.internal.Snapshots.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseTimeStrategyTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DECAY = TimeUnit.SECONDS.toNanos(10);

    private final RequestProfile profile = RequestProfile.simple("sleep", "general");
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ResponseTimeStrategy strategy = new ResponseTimeStrategy(now::get, DECAY);

    private void observe(String pool, long latencyMs) {
        strategy.recordOutcome(new RoutingOutcome(pool, profile, 0, latencyMs * MS, null));
    }

    @Test
    void jumpsToAPeakAtOnce() {
        observe("a", 10);
        now.addAndGet(MS);
        observe("a", 200);
        assertEquals(200.0, strategy.estimateNanos("a") / MS, 0.01);
    }

    @Test
    void decaysTowardLowerObservationsOverTime() {
        observe("a", 100);
        // a lower observation right away barely moves it (little time passed)...
        now.addAndGet(MS);
        observe("a", 10);
        assertTrue(strategy.estimateNanos("a") / MS > 99);
        // ...five decay times of steady lower observations bring it down to them
        for (int i = 0; i < 50; i++) {
            now.addAndGet(DECAY / 10);
            observe("a", 10);
        }
        assertTrue(strategy.estimateNanos("a") / MS < 12, "estimate " + strategy.estimateNanos("a") / MS);
    }

    @Test
    void fadesTowardZeroWithoutNews() {
        observe("a", 100);
        now.addAndGet(DECAY);
        assertEquals(100 * Math.exp(-1), strategy.estimateNanos("a") / MS, 0.01);
    }

    @Test
    void fasterPoolWinsUntilItsQueueOutweighsTheSpeed() {
        observe("fast", 10);
        observe("slow", 50);
        assertEquals("fast", strategy.select(List.of(pool("slow", 4, 0), pool("fast", 4, 0)), profile).poolId());
        // 10 ms x (4 + 1) = 50 ms against 50 ms x (0 + 1): tie goes to the lesser load, the slow pool
        assertEquals("slow", strategy.select(List.of(pool("fast", 4, 4), pool("slow", 4, 0)), profile).poolId());
        assertEquals("slow", strategy.select(List.of(pool("fast", 4, 6), pool("slow", 4, 0)), profile).poolId());
    }

    @Test
    void unobservedPoolsGetTheMeanOfTheObservedOnes() {
        observe("a", 10);
        observe("b", 30);
        // c unknown: scored as 20 ms; a with one outstanding scores 20 too, b 30 -> a or c, never b
        List<PoolSnapshot> pools = List.of(pool("b", 4, 0), pool("a", 4, 1), pool("c", 4, 0));
        String chosen = strategy.select(pools, profile).poolId();
        assertEquals("c", chosen, "ties go to the lesser load");
    }

    @Test
    void overloadCountsAsAPeak() {
        observe("a", 10);
        strategy.recordOutcome(new RoutingOutcome("a", profile, 0, 0, ErrorKind.POOL_OVERLOADED));
        assertEquals(20.0, strategy.estimateNanos("a") / MS, 0.01);
    }
}
