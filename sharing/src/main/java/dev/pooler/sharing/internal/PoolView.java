package dev.pooler.sharing.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerInfo;
import java.util.List;

/** One pool as a rebalancing round sees it: configuration, numbers, workers and trend, read once. */
record PoolView(PoolConfig config, PoolStats stats, List<WorkerInfo> workers, PoolTrend trend) {

    PoolView {
        workers = List.copyOf(workers);
    }

    static PoolView of(Pool pool, PoolTrend trend) {
        return new PoolView(pool.config(), pool.stats(), pool.workers(), trend);
    }

    String id() {
        return config.poolId();
    }

    SharingPolicy policy() {
        return config.sharingPolicy();
    }

    boolean running() {
        return stats.state() == PoolState.RUNNING;
    }

    /** Its own workers serving it now (not lent, not borrowed). */
    int ownServing() {
        return (int) workers.stream().filter(w -> w.ownerPool().equals(id()) && w.servingPool().equals(id())).count();
    }

    /** Outstanding work per serving worker. */
    double pressure() {
        return (stats.busy() + stats.queued()) / (double) Math.max(1, stats.workers());
    }
}
