package dev.pooler.bench.strategies;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference no learned strategy can beat by knowledge: it is told each pool's true current mean
 * service time {@code s} (including the slow window, the moment it starts and ends; in the mixed
 * scenario, what this very request costs on each pool) and sends the request where it is expected to
 * complete first,
 * <pre>  E = (ahead / workers + 1) x s,  ahead = max(0, outstanding - workers + 1)</pre>
 * with {@code outstanding} the requests the router has in flight there (or busy + queued, if more).
 * Ties go to the less loaded pool, then in rotating order. It learns nothing and never explores.
 */
final class OracleStrategy implements LoadBalancingStrategy {

    static final String NAME = "oracle";

    private final ServiceTimes truth;
    private final AtomicInteger rotation = new AtomicInteger();

    OracleStrategy(ServiceTimes truth) {
        this.truth = truth;
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        PoolSnapshot best = null;
        double bestE = Double.MAX_VALUE;
        double bestLoad = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            PoolSnapshot s = candidates.get((start + k) % n);
            double e = expectedCompletionMs(s, truth.costMs(s.poolId(), profile));
            double load = s.loadPerWorker();
            if (best == null || e < bestE || (e == bestE && load < bestLoad)) {
                best = s;
                bestE = e;
                bestLoad = load;
            }
        }
        return best;
    }

    static double expectedCompletionMs(PoolSnapshot s, double serviceMs) {
        if (s.workers() <= 0 || Double.isNaN(serviceMs)) {
            return Double.MAX_VALUE / 4; // nothing serves it, or a pool the bench does not know
        }
        int outstanding = Math.max(s.inFlight(), s.busy() + s.queued());
        int ahead = Math.max(0, outstanding - s.workers() + 1);
        return ((double) ahead / s.workers() + 1) * serviceMs;
    }
}
