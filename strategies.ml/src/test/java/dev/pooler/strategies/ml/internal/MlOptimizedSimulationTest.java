package dev.pooler.strategies.ml.internal;

import static dev.pooler.strategies.ml.internal.PoolSimulation.SECOND;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.strategies.load.internal.LeastConnectionsStrategy;
import dev.pooler.strategies.load.internal.PowerOfTwoChoicesStrategy;
import dev.pooler.strategies.load.internal.ResponseTimeStrategy;
import dev.pooler.strategies.ml.internal.PoolSimulation.PoolSpec;
import dev.pooler.strategies.ml.internal.PoolSimulation.Result;
import dev.pooler.strategies.ml.internal.PoolSimulation.Stats;
import dev.pooler.strategies.roundrobin.internal.RoundRobinStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ml_optimized against the other strategies and an oracle, on simulated pools of unequal speed
 * (a deterministic discrete-event simulation: {@link PoolSimulation}).
 */
class MlOptimizedSimulationTest {

    private static final long SEED = 20250716L;

    private static Map<String, Result> runAll(PoolSimulation sim) {
        Map<String, Result> results = new LinkedHashMap<>();
        SplittableRandom p2cRandom = new SplittableRandom(SEED + 1);
        SplittableRandom mlRandom = new SplittableRandom(SEED + 2);
        Map<String, LoadBalancingStrategy> strategies = new LinkedHashMap<>();
        strategies.put("round_robin", new RoundRobinStrategy());
        strategies.put("least_connections", new LeastConnectionsStrategy());
        strategies.put("p2c", new PowerOfTwoChoicesStrategy(() -> p2cRandom));
        strategies.put("response_time", new ResponseTimeStrategy(sim::now, 10 * SECOND));
        strategies.put("ml_optimized", new MlOptimizedStrategy(sim::now, () -> mlRandom, MlOptimizedStrategy.Tuning.DEFAULT));
        strategies.put("oracle", PoolSimulation.oracle(sim));
        strategies.forEach((name, s) -> results.put(name, sim.run(name, s)));
        return results;
    }

    @Test
    void beatsTheOthersOnPoolsOfUnequalSpeed() {
        // 4 workers each at 2, 5 and 20 ms: capacity 3 requests/ms; offered 2.1/ms (70 %)
        List<PoolSpec> pools = List.of(PoolSpec.constant("fast", 4, 2), PoolSpec.constant("medium", 4, 5),
                PoolSpec.constant("slow", 4, 20));
        PoolSimulation sim = new PoolSimulation(pools, 2.1, 30 * SECOND, SEED);
        Map<String, Result> results = runAll(sim);
        long warm = 2 * SECOND;
        Map<String, Stats> stats = new LinkedHashMap<>();
        results.forEach((name, r) -> stats.put(name, r.stats(warm, Long.MAX_VALUE)));
        System.out.println("unequal speeds (2/5/20 ms, 4 workers each, 70 % load), after 2 s warm-up:");
        stats.values().forEach(s -> System.out.println("  " + s));

        Stats ml = stats.get("ml_optimized");
        for (String other : List.of("round_robin", "least_connections", "p2c")) {
            Stats o = stats.get(other);
            assertTrue(ml.meanMs() < o.meanMs(), "mean: ml " + ml.meanMs() + " vs " + other + " " + o.meanMs());
            assertTrue(ml.p99Ms() < o.p99Ms(), "p99: ml " + ml.p99Ms() + " vs " + other + " " + o.p99Ms());
        }
        Stats oracle = stats.get("oracle");
        assertTrue(ml.meanMs() < 1.15 * oracle.meanMs(), "mean within 15 % of the oracle: " + ml.meanMs() + " vs " + oracle.meanMs());
    }

    @Test
    void adaptsWhenAPoolTurnsTenTimesSlowerAndRecovers() {
        // "a" serves in 2 ms, but in [20 s, 40 s) in 20 ms; b and c serve in 4 ms. 4 workers each.
        long slowFrom = 20 * SECOND;
        long slowUntil = 40 * SECOND;
        List<PoolSpec> pools = List.of(
                new PoolSpec("a", 4, t -> t >= slowFrom && t < slowUntil ? 20 : 2),
                PoolSpec.constant("b", 4, 4), PoolSpec.constant("c", 4, 4));
        PoolSimulation sim = new PoolSimulation(pools, 1.4, 70 * SECOND, SEED);
        Map<String, Result> results = runAll(sim);
        System.out.println("pool a 10x slower in [20 s, 40 s) (a 2 ms, b and c 4 ms, 4 workers each, 1.4 requests/ms):");
        long[][] phases = {{2 * SECOND, slowFrom}, {slowFrom, slowUntil}, {slowUntil, 70 * SECOND}};
        String[] phaseNames = {"before", "slow window", "after"};
        for (int p = 0; p < phases.length; p++) {
            System.out.println(" " + phaseNames[p] + ":");
            for (Result r : results.values()) {
                System.out.println("  " + r.stats(phases[p][0], phases[p][1]));
            }
        }
        Result ml = results.get("ml_optimized");
        Result oracle = results.get("oracle");
        for (int p = 0; p < phases.length; p++) {
            Stats m = ml.stats(phases[p][0], phases[p][1]);
            for (String other : List.of("round_robin", "least_connections", "p2c")) {
                Stats o = results.get(other).stats(phases[p][0], phases[p][1]);
                assertTrue(m.meanMs() < o.meanMs(), phaseNames[p] + " mean: ml " + m.meanMs() + " vs " + other + " " + o.meanMs());
                assertTrue(m.p99Ms() < o.p99Ms(), phaseNames[p] + " p99: ml " + m.p99Ms() + " vs " + other + " " + o.p99Ms());
            }
            double oracleMean = oracle.stats(phases[p][0], phases[p][1]).meanMs();
            assertTrue(m.meanMs() < 1.15 * oracleMean, phaseNames[p] + " mean within 15 % of the oracle: " + m.meanMs() + " vs " + oracleMean);
        }
        // It notices the slowdown within a second, and the recovery within two.
        assertTrue(ml.stats(slowFrom + SECOND, slowUntil).share(0) < 0.03, "a avoided while slow");
        assertTrue(ml.stats(slowUntil + 2 * SECOND, 70 * SECOND).share(0) > 0.75, "a used again once recovered");
        StringBuilder timeline = new StringBuilder(" ml_optimized share of a per second from 18 s:");
        for (long t = 18; t < 50; t++) {
            timeline.append(String.format(" %d:%.0f%%", t, 100 * ml.stats(t * SECOND, (t + 1) * SECOND).share(0)));
        }
        System.out.println(timeline);
    }
}
