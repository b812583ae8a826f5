package dev.pooler.strategies.load.internal;

import static dev.pooler.strategies.load.internal.Snapshots.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsStrategyTest {

    private final RequestProfile profile = RequestProfile.simple("echo", "general");
    private final LeastConnectionsStrategy strategy = new LeastConnectionsStrategy();

    @Test
    void fewestOutstandingPerWorkerWins() {
        // 6/8 = 0.75, 2/2 = 1.0, 3/4 = 0.75 -> a tie between a and c, b never
        List<PoolSnapshot> pools = List.of(pool("a", 8, 6), pool("b", 2, 2), pool("c", 4, 2));
        assertEquals("c", strategy.select(pools, profile).poolId());
        assertEquals("c", strategy.select(List.of(pool("a", 4, 3), pool("c", 4, 1)), profile).poolId());
    }

    @Test
    void relativeToPoolSize() {
        // 4 outstanding on 8 workers beats 1 outstanding on 1 worker
        assertEquals("big", strategy.select(List.of(pool("small", 1, 1), pool("big", 8, 4)), profile).poolId());
    }

    @Test
    void tiesAreSharedNotHerded() {
        List<PoolSnapshot> idle = List.of(pool("a", 4, 0), pool("b", 4, 0), pool("c", 4, 0));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(strategy.select(idle, profile).poolId(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), counts);
    }

    @Test
    void aPoolWithoutWorkersLosesToAnyOther() {
        assertEquals("b", strategy.select(List.of(pool("a", 0, 0), pool("b", 1, 5)), profile).poolId());
    }
}
