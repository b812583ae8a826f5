package dev.pooler.strategies.ml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.RequestPriority;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MlOptimizedStrategyTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final SplittableRandom random = new SplittableRandom(5);
    private final MlOptimizedStrategy noExploration = new MlOptimizedStrategy(now::get, () -> random,
            new MlOptimizedStrategy.Tuning(0.1, 5_000 * MS, 1.0, 0.0));

    private static PoolSnapshot pool(String id, int workers, int outstanding) {
        return pool(id, workers, outstanding, null, "default", 1.0);
    }

    private static PoolSnapshot pool(String id, int workers, int outstanding, String specialization, String zone,
                                     double health) {
        int busy = Math.min(workers, outstanding);
        return new PoolSnapshot(id, PoolType.GENERAL, Priority.MEDIUM, specialization, zone, Set.of("all"), workers,
                busy, outstanding - busy, outstanding, 0, 0, health, -1, -1);
    }

    private static RequestProfile profile(String command, String specialization, String zone) {
        return new RequestProfile(command, "general", 0, 0, specialization, null, RequestPriority.NORMAL, zone, 0);
    }

    private void learn(MlOptimizedStrategy s, String pool, String command, double ms, int times) {
        for (int i = 0; i < times; i++) {
            s.recordOutcome(new RoutingOutcome(pool, profile(command, null, null), 0, (long) (ms * MS), null));
        }
    }

    @Test
    void expectedCompletionTime() {
        // free worker: just the service time
        assertEquals(10, MlOptimizedStrategy.expectedCompletionMs(pool("p", 4, 3), 10, 1), 1e-9);
        // all 4 busy: one ahead, exponential residual: 1/4 x 10 + 10
        assertEquals(12.5, MlOptimizedStrategy.expectedCompletionMs(pool("p", 4, 4), 10, 1), 1e-9);
        // 4 busy + 4 queued: 5 ahead -> 5/4 x 10 + 10
        assertEquals(22.5, MlOptimizedStrategy.expectedCompletionMs(pool("p", 4, 8), 10, 1), 1e-9);
        // constant service: a busy worker is half done on average
        assertEquals(11.25, MlOptimizedStrategy.expectedCompletionMs(pool("p", 4, 4), 10, 0), 1e-9);
    }

    @Test
    void learnsWhichPoolIsFasterPerCommand() {
        learn(noExploration, "a", "embed", 2, 20);
        learn(noExploration, "b", "embed", 8, 20);
        learn(noExploration, "a", "generate", 50, 20);
        learn(noExploration, "b", "generate", 10, 20);
        List<PoolSnapshot> idle = List.of(pool("a", 4, 0), pool("b", 4, 0));
        assertEquals("a", noExploration.select(idle, profile("embed", null, null)).poolId());
        assertEquals("b", noExploration.select(idle, profile("generate", null, null)).poolId());
        assertEquals(2, noExploration.estimate("a", "embed").meanMs(), 1e-9);
    }

    @Test
    void theFastPoolLosesOnceItsQueueOutweighsItsSpeed() {
        learn(noExploration, "fast", "work", 2, 20);
        learn(noExploration, "slow", "work", 10, 20);
        RequestProfile work = profile("work", null, null);
        // fast with 4 workers and 12 outstanding: 9 ahead -> 9/4 x 2 + 2 = 6.5 < 10
        assertEquals("fast", noExploration.select(List.of(pool("fast", 4, 12), pool("slow", 4, 0)), work).poolId());
        // 24 outstanding: 21/4 x 2 + 2 = 12.5 > 10
        assertEquals("slow", noExploration.select(List.of(pool("fast", 4, 24), pool("slow", 4, 0)), work).poolId());
    }

    @Test
    void staticFactorsBreakTiesButNeverOverrideABigSpeedDifference() {
        RequestProfile wants = profile("embed", "ada-002", "eu");
        // same speed: the matching specialization and zone win
        learn(noExploration, "match", "embed", 5, 20);
        learn(noExploration, "other", "embed", 5, 20);
        List<PoolSnapshot> even = List.of(pool("other", 4, 0, "gpt-4", "us", 1.0), pool("match", 4, 0, "ada-002", "eu", 1.0));
        assertEquals("match", noExploration.select(even, wants).poolId());
        // the mismatching pool is twice as fast: it wins despite every static factor against it
        learn(noExploration, "quick", "embed", 2.5, 20);
        List<PoolSnapshot> uneven = List.of(pool("quick", 4, 0, "gpt-4", "us", 1.0), pool("match", 4, 0, "ada-002", "eu", 1.0));
        assertEquals("quick", noExploration.select(uneven, wants).poolId());
        assertTrue(MlOptimizedStrategy.penalty(pool("x", 1, 0, "gpt-4", "us", 0.0), wants, 0) <= 1.6);
    }

    @Test
    void aFailingPoolPaysForTheRetries() {
        learn(noExploration, "sick", "work", 5, 20);
        learn(noExploration, "well", "work", 8, 20);
        List<PoolSnapshot> pools = List.of(pool("sick", 4, 0, null, "default", 0.4), pool("well", 4, 0, null, "default", 1.0));
        assertEquals("well", noExploration.select(pools, profile("work", null, null)).poolId());
    }

    @Test
    void unseenPoolsStartAtThePriorAndGetTried() {
        learn(noExploration, "a", "work", 10, 20);
        RequestProfile withPrior = new RequestProfile("work", "general", 0, 6, null, null, RequestPriority.NORMAL, null, 0);
        // b has never been seen: planned at the prior 6 ms, so it gets the next request
        assertEquals("b", noExploration.select(List.of(pool("a", 4, 0), pool("b", 4, 0)), withPrior).poolId());
    }

    @Test
    void refusalsTeachNothingAboutServiceTime() {
        learn(noExploration, "a", "work", 10, 5);
        noExploration.recordOutcome(new RoutingOutcome("a", profile("work", null, null), 0, 0, ErrorKind.POOL_OVERLOADED));
        assertEquals(10, noExploration.estimate("a", "work").meanMs(), 1e-9);
        noExploration.recordOutcome(new RoutingOutcome("a", profile("work", null, null), 0, 1 * MS, ErrorKind.WORKER_CRASHED));
        assertTrue(noExploration.estimate("a", "work").meanMs() > 10, "a crash counts as lost work");
    }

    @Test
    void tiesAreSpreadAcrossEqualPools() {
        List<PoolSnapshot> idle = List.of(pool("a", 4, 0), pool("b", 4, 0), pool("c", 4, 0));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(noExploration.select(idle, profile("work", null, null)).poolId(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), counts);
    }

    @Test
    void explorationSendsASmallShareToIdleOtherPools() {
        MlOptimizedStrategy explorer = new MlOptimizedStrategy(now::get, () -> random,
                new MlOptimizedStrategy.Tuning(0.1, 5_000 * MS, 1.0, 0.05));
        learn(explorer, "fast", "work", 1, 20);
        learn(explorer, "slow", "work", 50, 20);
        List<PoolSnapshot> pools = List.of(pool("fast", 4, 0), pool("slow", 4, 0));
        int explored = 0;
        for (int i = 0; i < 10_000; i++) {
            if (explorer.select(pools, profile("work", null, null)).poolId().equals("slow")) {
                explored++;
            }
        }
        assertTrue(explored > 350 && explored < 650, "about 5 %: " + explored);
        // never onto a pool without a free worker
        List<PoolSnapshot> slowFull = List.of(pool("fast", 4, 0), pool("slow", 4, 4));
        for (int i = 0; i < 2_000; i++) {
            assertEquals("fast", explorer.select(slowFull, profile("work", null, null)).poolId());
        }
    }

    @Test
    void sizeClassesDoubleFrom256Characters() {
        assertEquals(0, ServiceTimeModel.sizeClass(0));
        assertEquals(0, ServiceTimeModel.sizeClass(255));
        assertEquals(1, ServiceTimeModel.sizeClass(256));
        assertEquals(1, ServiceTimeModel.sizeClass(511));
        assertEquals(2, ServiceTimeModel.sizeClass(512));
        assertEquals(4, ServiceTimeModel.sizeClass(3011));
        assertEquals(ServiceTimeModel.SIZE_CLASSES - 1, ServiceTimeModel.sizeClass(Integer.MAX_VALUE));
    }

    private static RequestProfile sized(String command, int argsSize) {
        return new RequestProfile(command, "general", 0, 0, null, null, RequestPriority.NORMAL, null, argsSize);
    }

    @Test
    void learnsPerSizeClassWhereTheCostGrowsWithTheArguments() {
        // "a" is cheap for short texts and dear for long ones, "b" the reverse; per command alone
        // the means (a 20.5, b 10) would send both sizes to b
        SplittableRandom noise = new SplittableRandom(11);
        for (int i = 0; i < 40; i++) {
            double jitter = 0.9 + 0.2 * noise.nextDouble();
            noExploration.recordOutcome(new RoutingOutcome("a", sized("summarize", 150), 0, (long) (1 * jitter * MS), null));
            noExploration.recordOutcome(new RoutingOutcome("a", sized("summarize", 3000), 0, (long) (40 * jitter * MS), null));
            noExploration.recordOutcome(new RoutingOutcome("b", sized("summarize", 150), 0, (long) (5 * jitter * MS), null));
            noExploration.recordOutcome(new RoutingOutcome("b", sized("summarize", 3000), 0, (long) (15 * jitter * MS), null));
        }
        List<PoolSnapshot> idle = List.of(pool("a", 2, 0), pool("b", 2, 0));
        for (int i = 0; i < 4; i++) { // every rotation of the tie-break order
            assertEquals("a", noExploration.select(idle, sized("summarize", 150)).poolId());
            assertEquals("b", noExploration.select(idle, sized("summarize", 3000)).poolId());
        }
        assertEquals(1, noExploration.estimate("a", "summarize", 0).meanMs(), 0.15);
        assertEquals(40, noExploration.estimate("a", "summarize", ServiceTimeModel.sizeClass(3000)).meanMs(), 6);
        // nothing learned about a size class never seen
        assertEquals(0.0, noExploration.estimate("a", "summarize", ServiceTimeModel.sizeClass(100_000)).weight());
    }
}
