package dev.pooler.examples.strategy.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStrategyTest {

    private static PoolSnapshot pool(String id) {
        return new PoolSnapshot(id, PoolType.GENERAL, Priority.MEDIUM, null, "default", Set.of("all"), 4, 0, 0, 0,
                0, 0, 1.0, -1, -1);
    }

    @Test
    void picksEveryCandidateAboutEquallyOften() {
        SplittableRandom seeded = new SplittableRandom(42);
        RandomStrategy strategy = new RandomStrategy(() -> seeded);
        List<PoolSnapshot> pools = List.of(pool("a"), pool("b"), pool("c"));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(strategy.select(pools, RequestProfile.simple("echo", "general")).poolId(), 1, Integer::sum);
        }
        assertEquals(Set.of("a", "b", "c"), counts.keySet());
        counts.values().forEach(n -> assertTrue(n > 850 && n < 1150, "share " + n));
    }

    @Test
    void aSingleCandidateIsChosen() {
        PoolSnapshot only = pool("only");
        assertEquals(only, new RandomStrategy().select(List.of(only), RequestProfile.simple("echo", "general")));
    }
}
