package dev.pooler.sharing.internal;

import dev.pooler.api.PoolStats;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Recent load samples of each pool, turned into a {@link PoolTrend}: whether its queue grows, how long it
 * has been calm (could spare a worker) or hot (a lender that needs its workers back), and its peak demand.
 * Fed by the rebalancer's thread; thread-safe.
 */
final class LoadHistory {

    /** How far back an adaptive pool looks for its own peak demand. */
    static final long DEMAND_WINDOW_MS = 30_000;
    /** A queue is growing when it is longer than it was this long ago. */
    static final long GROWTH_WINDOW_MS = 1_000;

    private record Sample(long atMs, int busy, int queued) {
    }

    private static final class Series {
        final Deque<Sample> samples = new ArrayDeque<>();
        long calmSince = -1;
        long hotSince = -1;
    }

    private final Map<String, Series> pools = new HashMap<>();

    /** Records one sample of a pool's numbers at {@code nowMs}. */
    synchronized void record(PoolStats s, long nowMs, double returnThreshold) {
        Series series = pools.computeIfAbsent(s.poolId(), id -> new Series());
        series.samples.addLast(new Sample(nowMs, s.busy(), s.queued()));
        while (!series.samples.isEmpty() && series.samples.peekFirst().atMs() < nowMs - DEMAND_WINDOW_MS) {
            series.samples.removeFirst();
        }
        boolean calm = s.queued() == 0 && s.busy() <= s.workers() - 2;
        series.calmSince = calm ? (series.calmSince < 0 ? nowMs : series.calmSince) : -1;
        boolean hot = s.queued() > 0 || (s.workers() > 0 && s.utilization() >= returnThreshold);
        series.hotSince = hot ? (series.hotSince < 0 ? nowMs : series.hotSince) : -1;
    }

    /** Forgets pools that are gone. */
    synchronized void retain(Set<String> poolIds) {
        pools.keySet().retainAll(poolIds);
    }

    synchronized PoolTrend trend(String poolId, long nowMs) {
        Series series = pools.get(poolId);
        if (series == null || series.samples.isEmpty()) {
            return PoolTrend.NONE;
        }
        Sample last = series.samples.peekLast();
        Sample before = null;
        int peak = 0;
        for (Sample s : series.samples) {
            peak = Math.max(peak, s.busy() + s.queued());
            if (s.atMs() <= nowMs - GROWTH_WINDOW_MS || before == null) {
                before = s;
            }
        }
        boolean growing = last.queued() > 0 && before != last && last.queued() > before.queued();
        return new PoolTrend(growing, series.calmSince < 0 ? -1 : nowMs - series.calmSince,
                series.hotSince < 0 ? -1 : nowMs - series.hotSince, peak);
    }
}
