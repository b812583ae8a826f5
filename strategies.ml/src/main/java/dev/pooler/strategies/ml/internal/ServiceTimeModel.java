package dev.pooler.strategies.ml.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The learned part of {@code ml_optimized}: one {@link ServiceTimeEstimate} per (pool, request kind,
 * size class), and per (kind, size class) the mean across pools, the prior for a pool not yet seen.
 * Reads take no lock; each estimate is replaced whole under its cell's lock.
 */
final class ServiceTimeModel {

    /** Bounds on what a flood of distinct pool ids or commands can make us keep. */
    static final int MAX_POOLS = 1024;
    static final int MAX_KINDS_PER_POOL = 1024;

    /**
     * Size classes of the arguments: class 0 below 256 characters, then one class per doubling
     * (256–511 is 1, 512–1023 is 2, ...), the last one open-ended.
     */
    static final int SIZE_CLASSES = 12;
    /** The index of a kind's prior over all sizes. */
    static final int ALL_SIZES = SIZE_CLASSES;
    private static final int SMALL_BITS = 8;

    /** The size class of arguments {@code argsSize} characters long. */
    static int sizeClass(int argsSize) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(0, argsSize));
        return Math.min(SIZE_CLASSES - 1, Math.max(0, bits - SMALL_BITS));
    }

    /** One (pool, kind, size class). */
    static final class Cell {
        volatile ServiceTimeEstimate estimate = ServiceTimeEstimate.NONE;
    }

    /** One pool's cells. */
    static final class Pool {
        final ConcurrentHashMap<String, AtomicReferenceArray<Cell>> kinds = new ConcurrentHashMap<>();
    }

    /** One (kind, size class) across pools: the EWMA of its service times, the prior for pools not yet seen. */
    static final class Prior {
        volatile double meanMs;
    }

    private final ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicReferenceArray<Prior>> priors = new ConcurrentHashMap<>();
    private final double minAlpha;
    private final double staleNanos;
    private final double priorAlpha;

    ServiceTimeModel(double minAlpha, double staleNanos) {
        this.minAlpha = minAlpha;
        this.staleNanos = staleNanos;
        this.priorAlpha = minAlpha;
    }

    /** The cell of a pool, kind and size class, or null when nothing was learned there. */
    Cell cell(String poolId, String kind, int sizeClass) {
        return cell(pools.get(poolId), kind, sizeClass);
    }

    private static Cell cell(Pool pool, String kind, int sizeClass) {
        if (pool == null) {
            return null;
        }
        AtomicReferenceArray<Cell> cells = pool.kinds.get(kind);
        return cells == null ? null : cells.get(sizeClass);
    }

    /** The estimate for a pool, kind and size class, {@link ServiceTimeEstimate#NONE} when nothing was learned. */
    ServiceTimeEstimate get(String poolId, String kind, int sizeClass) {
        Cell c = cell(pools.get(poolId), kind, sizeClass);
        return c == null ? ServiceTimeEstimate.NONE : c.estimate;
    }

    /**
     * The mean service time of this kind and class across pools, weighted by traffic; 0 when never
     * seen. {@link #ALL_SIZES} for the kind's mean over every size.
     */
    double priorMs(String kind, int sizeClass) {
        AtomicReferenceArray<Prior> p = priors.get(kind);
        Prior prior = p == null ? null : p.get(sizeClass);
        return prior == null ? 0 : prior.meanMs;
    }

    void observe(String poolId, String kind, int sizeClass, double serviceMs, long now) {
        Pool pool = pool(poolId, true);
        Cell cell = cell(pool, kind, sizeClass, true);
        synchronized (cell) {
            cell.estimate = cell.estimate.observe(serviceMs, now, minAlpha, staleNanos);
        }
        slide(prior(kind, sizeClass), serviceMs);
        slide(prior(kind, ALL_SIZES), serviceMs);
    }

    private void slide(Prior prior, double ms) {
        synchronized (prior) {
            double m = prior.meanMs;
            prior.meanMs = m == 0 ? ms : m + priorAlpha * (ms - m);
        }
    }

    private Pool pool(String poolId, boolean create) {
        Pool p = pools.get(poolId);
        if (p == null && create) {
            if (pools.size() >= MAX_POOLS) {
                pools.clear(); // far more pool ids than any real setup: forget and relearn
            }
            p = pools.computeIfAbsent(poolId, k -> new Pool());
        }
        return p;
    }

    private static Cell cell(Pool pool, String kind, int sizeClass, boolean create) {
        AtomicReferenceArray<Cell> cells = pool.kinds.get(kind);
        if (cells == null) {
            if (pool.kinds.size() >= MAX_KINDS_PER_POOL) {
                pool.kinds.clear();
            }
            cells = pool.kinds.computeIfAbsent(kind, k -> new AtomicReferenceArray<>(SIZE_CLASSES));
        }
        Cell c = cells.get(sizeClass);
        if (c == null) {
            cells.compareAndSet(sizeClass, null, new Cell());
            c = cells.get(sizeClass);
        }
        return c;
    }

    private Prior prior(String kind, int sizeClass) {
        AtomicReferenceArray<Prior> p = priors.get(kind);
        if (p == null) {
            if (priors.size() >= MAX_KINDS_PER_POOL) {
                priors.clear();
            }
            p = priors.computeIfAbsent(kind, k -> new AtomicReferenceArray<>(SIZE_CLASSES + 1));
        }
        Prior prior = p.get(sizeClass);
        if (prior == null) {
            p.compareAndSet(sizeClass, null, new Prior());
            prior = p.get(sizeClass);
        }
        return prior;
    }
}
