package dev.pooler.bench.strategies;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.strategies.load.internal.LeastConnectionsStrategy;
import dev.pooler.strategies.load.internal.PowerOfTwoChoicesStrategy;
import dev.pooler.strategies.load.internal.ResourceAwareStrategy;
import dev.pooler.strategies.load.internal.ResponseTimeStrategy;
import dev.pooler.strategies.ml.internal.MlOptimizedStrategy;
import dev.pooler.strategies.roundrobin.internal.RoundRobinStrategy;
import dev.pooler.strategies.roundrobin.internal.WeightedRoundRobinStrategy;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The contenders: every strategy the platform ships, constructed directly (as their bundles' DS
 * components would be, with their production defaults), and the bench's {@link OracleStrategy}.
 * Each run gets fresh instances, so nothing learned in one run helps the next.
 */
public final class Contenders {

    static final String ORACLE = OracleStrategy.NAME;

    static final List<String> ALL = List.of("round_robin", "weighted_round_robin", "least_connections",
            "resource_aware", "p2c", "response_time", "ml_optimized", ORACLE);

    private Contenders() {
    }

    /** A fresh strategy the platform ships (not the oracle, which needs the true service times). */
    public static LoadBalancingStrategy create(String name, long seed) {
        if (ORACLE.equals(name)) {
            throw new IllegalArgumentException("the oracle needs the true service times");
        }
        return create(name, seed, null);
    }

    /**
     * A fresh strategy. {@code seed} seeds p2c's random choices (the router calls a strategy from the
     * one dispatching thread here, and retries never happen: the pools' queues are never full).
     */
    static LoadBalancingStrategy create(String name, long seed, ServiceTimes truth) {
        return switch (name) {
            case "round_robin" -> new RoundRobinStrategy();
            case "weighted_round_robin" -> new WeightedRoundRobinStrategy();
            case "least_connections" -> new LeastConnectionsStrategy();
            case "resource_aware" -> new ResourceAwareStrategy();
            case "p2c" -> {
                SplittableRandom random = new SplittableRandom(seed);
                yield new PowerOfTwoChoicesStrategy(() -> random);
            }
            case "response_time" -> new ResponseTimeStrategy();
            case "ml_optimized" -> new MlOptimizedStrategy();
            case ORACLE -> new OracleStrategy(truth);
            default -> throw new IllegalArgumentException("unknown strategy " + name);
        };
    }
}
