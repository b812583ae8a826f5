package dev.pooler.bench.strategies;

import java.util.HashMap;
import java.util.Map;

/**
 * The true mean service time of each pool now, in milliseconds, as the bench knows it (it sets the
 * pools' speed factors and calibrated what each factor costs). Only the oracle reads it. Replaced
 * whole on every change, so a reader never sees half of one.
 */
final class ServiceTimes {

    private volatile Map<String, Double> meanMs = Map.of();

    void set(String poolId, double ms) {
        Map<String, Double> next = new HashMap<>(meanMs);
        next.put(poolId, ms);
        meanMs = Map.copyOf(next);
    }

    /** The pool's true mean service time now, or NaN when the bench never said. */
    double meanMs(String poolId) {
        Double d = meanMs.get(poolId);
        return d == null ? Double.NaN : d;
    }
}
