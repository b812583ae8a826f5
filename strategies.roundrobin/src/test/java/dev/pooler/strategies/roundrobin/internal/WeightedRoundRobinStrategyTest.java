package dev.pooler.strategies.roundrobin.internal;

import static dev.pooler.strategies.roundrobin.internal.Snapshots.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.Priority;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinStrategyTest {

    private final RequestProfile general = RequestProfile.simple("echo", "general");

    @Test
    void weightIsWorkersTimesPriorityFactor() {
        assertEquals(12, WeightedRoundRobinStrategy.weight(pool("a", 4, Priority.HIGH)));
        assertEquals(8, WeightedRoundRobinStrategy.weight(pool("b", 4, Priority.MEDIUM)));
        assertEquals(4, WeightedRoundRobinStrategy.weight(pool("c", 4, Priority.LOW)));
        assertEquals(1, WeightedRoundRobinStrategy.weight(pool("d", 0, Priority.LOW)), "a pool without workers still counts once");
    }

    @Test
    void smoothSequenceAsNginx() {
        // weights 5, 1, 1: the smooth sequence is a a b a c a a, repeated
        List<PoolSnapshot> pools = List.of(pool("a", 5, Priority.LOW), pool("b", 1, Priority.LOW), pool("c", 1, Priority.LOW));
        WeightedRoundRobinStrategy wrr = new WeightedRoundRobinStrategy();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            picks.add(wrr.select(pools, general).poolId());
        }
        assertEquals(List.of("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"), picks);
    }

    @Test
    void sharesFollowTheWeights() {
        // 4 x HIGH = 12, 6 x MEDIUM = 12, 6 x LOW = 6
        List<PoolSnapshot> pools = List.of(pool("emb", 4, Priority.HIGH), pool("gen", 6, Priority.MEDIUM),
                pool("low", 6, Priority.LOW));
        WeightedRoundRobinStrategy wrr = new WeightedRoundRobinStrategy();
        Map<String, Integer> counts = new HashMap<>();
        int maxRun = 0;
        int run = 0;
        String last = null;
        for (int i = 0; i < 300; i++) {
            String id = wrr.select(pools, general).poolId();
            counts.merge(id, 1, Integer::sum);
            run = id.equals(last) ? run + 1 : 1;
            maxRun = Math.max(maxRun, run);
            last = id;
        }
        assertEquals(Map.of("emb", 120, "gen", 120, "low", 60), counts);
        assertTrue(maxRun <= 2, "smooth: no long bursts to one pool, saw a run of " + maxRun);
    }

    @Test
    void adaptsWhenTheCandidateSetChanges() {
        WeightedRoundRobinStrategy wrr = new WeightedRoundRobinStrategy();
        List<PoolSnapshot> ab = List.of(pool("a", 2, Priority.MEDIUM), pool("b", 2, Priority.MEDIUM));
        for (int i = 0; i < 5; i++) {
            wrr.select(ab, general);
        }
        List<PoolSnapshot> bc = List.of(pool("b", 2, Priority.MEDIUM), pool("c", 2, Priority.MEDIUM));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            counts.merge(wrr.select(bc, general).poolId(), 1, Integer::sum);
        }
        assertEquals(Map.of("b", 50, "c", 50), counts);
    }

    @Test
    void groupsAreKeptPerCapability() {
        WeightedRoundRobinStrategy wrr = new WeightedRoundRobinStrategy();
        List<PoolSnapshot> pools = List.of(pool("a", 1, Priority.MEDIUM), pool("b", 1, Priority.MEDIUM));
        RequestProfile embed = RequestProfile.simple("embed", "embedding");
        List<String> general2 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            general2.add(wrr.select(pools, general).poolId());
            wrr.select(pools, embed);
        }
        assertEquals(List.of("a", "b", "a", "b"), general2);
    }
}
