package dev.pooler.strategies.load.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;

/**
 * {@code response_time}: peak EWMA. Per pool, a latency estimate that jumps at once to any new
 * peak and otherwise decays toward what is observed, with a weight that depends on the time since
 * the last observation (decay time {@link #DEFAULT_DECAY}). Between observations the estimate
 * also fades toward zero, so a pool that was slow once is tried again later. The pool with the
 * smallest {@code estimate x (inFlight + 1)} wins.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("response_time")
public final class ResponseTimeStrategy implements LoadBalancingStrategy {

    static final long DEFAULT_DECAY = TimeUnit.SECONDS.toNanos(10);
    static final int MAX_POOLS = 4096;

    /** One pool's estimate; written under its own lock, read without one. */
    static final class PeakEwma {
        private volatile double costNanos;
        private volatile long stampNanos;

        synchronized void observe(double rttNanos, long now, double decayNanos) {
            double current = decayed(now, decayNanos);
            if (rttNanos > current) {
                costNanos = rttNanos;
            } else {
                double w = Math.exp(-Math.max(0, now - stampNanos) / decayNanos);
                costNanos = costNanos * w + rttNanos * (1 - w);
            }
            stampNanos = now;
        }

        /** The estimate now: the stored one, faded toward zero for the time without news. */
        double decayed(long now, double decayNanos) {
            double c = costNanos;
            long age = now - stampNanos;
            return age <= 0 ? c : c * Math.exp(-age / decayNanos);
        }
    }

    private final ConcurrentHashMap<String, PeakEwma> costs = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final double decayNanos;

    public ResponseTimeStrategy() {
        this(System::nanoTime, DEFAULT_DECAY);
    }

    /**
     * For tests and simulations: their own clock (nanoseconds) and decay time. Public only for
     * other bundles' tests; this package is not exported.
     */
    public ResponseTimeStrategy(LongSupplier clock, long decayNanos) {
        this.clock = clock;
        this.decayNanos = decayNanos;
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        long now = clock.getAsLong();
        double[] cost = new double[n];
        // A pool never observed is scored with the mean of those that were: neither shunned nor flooded.
        double known = 0;
        int knownCount = 0;
        for (int i = 0; i < n; i++) {
            PeakEwma e = costs.get(candidates.get(i).poolId());
            cost[i] = e == null ? -1 : e.decayed(now, decayNanos);
            if (cost[i] >= 0) {
                known += cost[i];
                knownCount++;
            }
        }
        double neutral = knownCount == 0 ? 0 : known / knownCount;
        PoolSnapshot best = null;
        double bestScore = Double.MAX_VALUE;
        double bestLoad = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            PoolSnapshot s = candidates.get(i);
            double c = cost[i] < 0 ? neutral : cost[i];
            double score = c * (Math.max(s.inFlight(), s.busy() + s.queued()) + 1);
            double load = s.loadPerWorker();
            if (best == null || score < bestScore || (score == bestScore && load < bestLoad)) {
                best = s;
                bestScore = score;
                bestLoad = load;
            }
        }
        return best;
    }

    @Override
    public void recordOutcome(RoutingOutcome outcome) {
        PeakEwma e = costs.get(outcome.poolId());
        if (e == null) {
            if (costs.size() >= MAX_POOLS) {
                costs.clear(); // pool ids churned far beyond any real setup; start over
            }
            e = costs.computeIfAbsent(outcome.poolId(), k -> new PeakEwma());
        }
        long now = clock.getAsLong();
        double rtt = outcome.latencyNanos();
        ErrorKind error = outcome.error();
        if (error == ErrorKind.POOL_OVERLOADED || error == ErrorKind.SHUTTING_DOWN) {
            // Refused at once: the short "latency" says nothing good; count it as a doubled peak.
            rtt = Math.max(rtt, 2 * e.decayed(now, decayNanos));
        }
        e.observe(rtt, now, decayNanos);
    }

    /** The estimate for a pool now, in nanoseconds, or -1 when never observed (for tests). */
    double estimateNanos(String poolId) {
        PeakEwma e = costs.get(poolId);
        return e == null ? -1 : e.decayed(clock.getAsLong(), decayNanos);
    }
}
