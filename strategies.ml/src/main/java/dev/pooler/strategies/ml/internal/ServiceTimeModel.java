package dev.pooler.strategies.ml.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The learned part of {@code ml_optimized}: one {@link ServiceTimeEstimate} per (pool, request kind).
 * Reads take no lock; each estimate is replaced whole under its cell's lock.
 */
final class ServiceTimeModel {

    /** Bounds on what a flood of distinct pool ids or commands can make us keep. */
    static final int MAX_POOLS = 1024;
    static final int MAX_KINDS_PER_POOL = 1024;

    static final class Cell {
        volatile ServiceTimeEstimate estimate = ServiceTimeEstimate.NONE;
    }

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Cell>> pools = new ConcurrentHashMap<>();
    private final double minAlpha;
    private final double staleNanos;

    ServiceTimeModel(double minAlpha, double staleNanos) {
        this.minAlpha = minAlpha;
        this.staleNanos = staleNanos;
    }

    /** The estimate for a pool and kind, {@link ServiceTimeEstimate#NONE} when nothing was learned. */
    ServiceTimeEstimate get(String poolId, String kind) {
        ConcurrentHashMap<String, Cell> kinds = pools.get(poolId);
        if (kinds == null) {
            return ServiceTimeEstimate.NONE;
        }
        Cell c = kinds.get(kind);
        return c == null ? ServiceTimeEstimate.NONE : c.estimate;
    }

    void observe(String poolId, String kind, double serviceMs, long now) {
        Cell cell = cell(poolId, kind);
        synchronized (cell) {
            cell.estimate = cell.estimate.observe(serviceMs, now, minAlpha, staleNanos);
        }
    }

    private Cell cell(String poolId, String kind) {
        ConcurrentHashMap<String, Cell> kinds = pools.get(poolId);
        if (kinds == null) {
            if (pools.size() >= MAX_POOLS) {
                pools.clear(); // far more pool ids than any real setup: forget and relearn
            }
            kinds = pools.computeIfAbsent(poolId, k -> new ConcurrentHashMap<>());
        }
        Cell c = kinds.get(kind);
        if (c == null) {
            if (kinds.size() >= MAX_KINDS_PER_POOL) {
                kinds.clear();
            }
            c = kinds.computeIfAbsent(kind, k -> new Cell());
        }
        return c;
    }
}
