package dev.pooler.bench.strategies;

import dev.pooler.api.routing.RequestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * The true mean service time of each pool now, in milliseconds, as the bench knows it (it sets the
 * pools' speed factors and calibrated what each factor costs). Only the oracle reads it. Replaced
 * whole on every change, so a reader never sees half of one.
 */
final class ServiceTimes {

    private volatile Map<String, Double> meanMs = Map.of();
    /** In the mixed scenario: requests cost what the table says, plus this per-request overhead; NaN otherwise. */
    private volatile double mixedOverheadMs = Double.NaN;

    /** From now on every request costs its mixed-workload cost plus {@code overheadMs} (NaN: back to the pools' means). */
    void mixed(double overheadMs) {
        mixedOverheadMs = overheadMs;
    }

    /** What this request really costs on the pool now (ms), or NaN when the bench never said. */
    double costMs(String poolId, RequestProfile profile) {
        double overhead = mixedOverheadMs;
        if (Double.isNaN(overhead)) {
            return meanMs(poolId);
        }
        int pool = -1;
        for (int i = 0; i < BenchPools.IDS.length; i++) {
            if (BenchPools.IDS[i].equals(poolId)) {
                pool = i;
            }
        }
        if (pool < 0 || profile == null) {
            return Double.NaN;
        }
        return MixedWorkload.costMs(pool, profile.command(), profile.argsSize() - MixedWorkload.ENVELOPE) + overhead;
    }

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
