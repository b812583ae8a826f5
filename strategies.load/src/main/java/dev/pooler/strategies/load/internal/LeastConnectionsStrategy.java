package dev.pooler.strategies.load.internal;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * {@code least_connections}: the pool with the fewest outstanding requests per serving worker.
 * Ties are broken from a rotating start, so equally idle pools share the work instead of the
 * first one taking it all.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("least_connections")
public final class LeastConnectionsStrategy implements LoadBalancingStrategy {

    private final AtomicInteger rotation = new AtomicInteger();

    public LeastConnectionsStrategy() {
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        PoolSnapshot best = null;
        double bestLoad = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            PoolSnapshot s = candidates.get((start + k) % n);
            double load = s.loadPerWorker();
            if (best == null || load < bestLoad) {
                best = s;
                bestLoad = load;
            }
        }
        return best;
    }
}
