package dev.pooler.strategies.load.internal;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * {@code resource_aware}: weighs what a pool has left, not only what it was sent. A pool's cost
 * grows with outstanding work per worker and with its queue, falls with free workers, and grows
 * with its workers' memory (relative to the heaviest candidate) and CPU load when those are known,
 * and with recent failures. The lowest cost wins.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("resource_aware")
public final class ResourceAwareStrategy implements LoadBalancingStrategy {

    static final double QUEUE_WEIGHT = 0.5;
    static final double IDLE_WEIGHT = 0.25;
    static final double MEMORY_WEIGHT = 0.3;
    static final double CPU_WEIGHT = 0.5;
    static final double HEALTH_WEIGHT = 1.0;

    private final AtomicInteger rotation = new AtomicInteger();

    public ResourceAwareStrategy() {
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long maxRss = 0;
        for (int i = 0; i < n; i++) {
            maxRss = Math.max(maxRss, candidates.get(i).avgRssKb());
        }
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        PoolSnapshot best = null;
        double bestCost = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            PoolSnapshot s = candidates.get((start + k) % n);
            double c = cost(s, maxRss);
            if (best == null || c < bestCost) {
                best = s;
                bestCost = c;
            }
        }
        return best;
    }

    /** Lower is better. {@code maxRss} is the largest known worker memory among the candidates, or 0. */
    static double cost(PoolSnapshot s, long maxRss) {
        if (s.workers() <= 0) {
            return Double.MAX_VALUE / 2; // nothing to run on; only when every candidate is like that
        }
        double workers = s.workers();
        double c = s.loadPerWorker() + QUEUE_WEIGHT * s.queued() / workers - IDLE_WEIGHT * s.idle() / workers;
        if (s.avgRssKb() > 0 && maxRss > 0) {
            c += MEMORY_WEIGHT * (double) s.avgRssKb() / maxRss;
        }
        if (s.cpuLoad() >= 0) {
            c += CPU_WEIGHT * Math.min(1.0, s.cpuLoad());
        }
        c += HEALTH_WEIGHT * (1.0 - clamp01(s.health()));
        return c;
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : Math.min(1, v);
    }
}
