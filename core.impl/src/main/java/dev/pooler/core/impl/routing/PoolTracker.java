package dev.pooler.core.impl.routing;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolStats;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.routing.PoolSnapshot;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the router itself knows about each pool: requests it sent there and has not seen answered,
 * the share of recent requests that did not fail for the worker's sake, and its workers' memory
 * (sampled, not read per request). Builds the {@link PoolSnapshot}s the strategies see.
 */
final class PoolTracker {

    static final double HEALTH_ALPHA = 0.05;
    static final long RSS_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int MAX_POOLS = 4096;

    static final class Track {
        final String poolId;
        final AtomicInteger inFlight = new AtomicInteger();
        private volatile double health = 1.0;
        private volatile long avgRssKb = -1;
        private volatile double avgCpuLoad = -1;
        private final AtomicLong rssSampledAt = new AtomicLong(Long.MIN_VALUE / 2);

        Track(String poolId) {
            this.poolId = poolId;
        }

        double health() {
            return health;
        }

        int inFlight() {
            return inFlight.get();
        }

        /** A lost update under contention only delays the estimate; no lock on the answer path. */
        void outcome(ErrorKind error) {
            double ok = error == ErrorKind.WORKER_CRASHED || error == ErrorKind.TIMEOUT ? 0.0 : 1.0;
            health = health + HEALTH_ALPHA * (ok - health);
        }
    }

    private final ConcurrentHashMap<String, Track> tracks = new ConcurrentHashMap<>();

    Track track(String poolId) {
        Track t = tracks.get(poolId);
        if (t != null) {
            return t;
        }
        if (tracks.size() >= MAX_POOLS) {
            tracks.values().removeIf(x -> x.inFlight() == 0); // pools came and went by the thousand
        }
        return tracks.computeIfAbsent(poolId, Track::new);
    }

    /** @param zone the zone the pool serves in (its own, or its node's when it names none) */
    PoolSnapshot snapshot(Pool pool, Track t, long now, String zone) {
        PoolStats st = pool.stats();
        PoolConfig c = pool.config();
        return new PoolSnapshot(pool.id(), c.poolType(), c.priority(), c.specialization(), zone,
                c.capabilities(), st.workers(), st.busy(), st.queued(), Math.max(0, t.inFlight()), st.meanServiceMs(),
                st.meanLatencyMs(), t.health, rss(pool, t, now), t.avgCpuLoad);
    }

    /** Mean resident memory (and, on the side, mean CPU load) of the pool's workers, re-read at most every {@link #RSS_SAMPLE_NANOS}. */
    private static long rss(Pool pool, Track t, long now) {
        long last = t.rssSampledAt.get();
        if (now - last < RSS_SAMPLE_NANOS || !t.rssSampledAt.compareAndSet(last, now)) {
            return t.avgRssKb;
        }
        long sum = 0;
        int n = 0;
        double cpu = 0;
        int cpuN = 0;
        try {
            for (WorkerInfo w : pool.workers()) {
                if (w.rssKb() >= 0) {
                    sum += w.rssKb();
                    n++;
                }
                if (w.cpuLoad() >= 0) {
                    cpu += w.cpuLoad();
                    cpuN++;
                }
            }
        } catch (RuntimeException e) {
            return t.avgRssKb; // a pool going away; keep what we had
        }
        t.avgCpuLoad = cpuN == 0 ? -1 : cpu / cpuN;
        t.avgRssKb = n == 0 ? -1 : sum / n;
        return t.avgRssKb;
    }
}
