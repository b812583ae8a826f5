package dev.pooler.strategies.load.internal;

import static dev.pooler.strategies.load.internal.Snapshots.pool;
import static dev.pooler.strategies.load.internal.Snapshots.withResources;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceAwareStrategyTest {

    private final RequestProfile profile = RequestProfile.simple("embed", "embedding");
    private final ResourceAwareStrategy strategy = new ResourceAwareStrategy();

    @Test
    void aQueueWeighsMoreThanTheSameNumberOfBusyWorkers() {
        // both have 4 outstanding; a has 2 workers (2 queued), b has 4 workers (none queued)
        assertEquals("b", strategy.select(List.of(pool("a", 2, 4), pool("b", 4, 4)), profile).poolId());
    }

    @Test
    void freeWorkersWin() {
        assertEquals("b", strategy.select(List.of(pool("a", 4, 3), pool("b", 4, 1)), profile).poolId());
    }

    @Test
    void heavyWorkersLoseWhenLoadIsEqual() {
        PoolSnapshot light = withResources(pool("light", 4, 1), 100_000, -1, 1.0);
        PoolSnapshot heavy = withResources(pool("heavy", 4, 1), 900_000, -1, 1.0);
        assertEquals("light", strategy.select(List.of(heavy, light), profile).poolId());
    }

    @Test
    void busyCpuLoses() {
        PoolSnapshot cool = withResources(pool("cool", 4, 1), -1, 0.1, 1.0);
        PoolSnapshot hot = withResources(pool("hot", 4, 1), -1, 0.95, 1.0);
        assertEquals("cool", strategy.select(List.of(hot, cool), profile).poolId());
    }

    @Test
    void unknownResourcesCountAsNeutral() {
        PoolSnapshot unknown = withResources(pool("unknown", 4, 1), -1, -1, 1.0);
        PoolSnapshot known = withResources(pool("known", 4, 2), 500_000, 0.2, 1.0);
        assertEquals("unknown", strategy.select(List.of(known, unknown), profile).poolId());
    }

    @Test
    void failingPoolLoses() {
        PoolSnapshot sick = withResources(pool("sick", 4, 0), -1, -1, 0.2);
        PoolSnapshot fine = withResources(pool("fine", 4, 1), -1, -1, 1.0);
        assertEquals("fine", strategy.select(List.of(sick, fine), profile).poolId());
    }

    @Test
    void costOrdersAsExpected() {
        double idle = ResourceAwareStrategy.cost(pool("a", 4, 0), 0);
        double half = ResourceAwareStrategy.cost(pool("a", 4, 2), 0);
        double queued = ResourceAwareStrategy.cost(pool("a", 4, 6), 0);
        assertEquals(-0.25, idle, 1e-9);
        assertEquals(true, idle < half && half < queued);
    }
}
