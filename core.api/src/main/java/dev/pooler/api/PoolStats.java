package dev.pooler.api;

/**
 * A snapshot of a pool's numbers.
 *
 * @param poolId      the pool
 * @param state       its life-cycle state
 * @param workers     workers serving the pool now (own workers not lent out, plus borrowed ones)
 * @param busy        workers running a request
 * @param idle        workers ready for one
 * @param queued      requests waiting
 * @param lent        own workers lent to other pools
 * @param borrowed    other pools' workers serving this one
 * @param completed   requests answered with a result
 * @param failed      requests answered with an error
 * @param timeouts    requests that timed out (also counted in failed)
 * @param crashes     worker processes that died unexpectedly
 * @param restarts    workers launched to replace dead or recycled ones
 * @param meanLatencyMs mean of recent request latencies (queue + service)
 * @param p50LatencyMs  median of recent latencies
 * @param p99LatencyMs  99th percentile of recent latencies
 * @param meanServiceMs mean of recent service times (without queueing)
 * @param cancelled   requests their callers cancelled (not counted in failed)
 * @param refused     requests turned away before a worker saw them (queue full, pool failed or stopping);
 *                    not counted in failed: another pool may well have served them
 */
public record PoolStats(String poolId, PoolState state, int workers, int busy, int idle, int queued, int lent,
                        int borrowed, long completed, long failed, long timeouts, long crashes, long restarts,
                        double meanLatencyMs, double p50LatencyMs, double p99LatencyMs, double meanServiceMs,
                        long cancelled, long refused) {

    /** Without counts of cancelled and refused requests (0). */
    public PoolStats(String poolId, PoolState state, int workers, int busy, int idle, int queued, int lent,
                     int borrowed, long completed, long failed, long timeouts, long crashes, long restarts,
                     double meanLatencyMs, double p50LatencyMs, double p99LatencyMs, double meanServiceMs) {
        this(poolId, state, workers, busy, idle, queued, lent, borrowed, completed, failed, timeouts, crashes, restarts,
                meanLatencyMs, p50LatencyMs, p99LatencyMs, meanServiceMs, 0, 0);
    }

    /** Busy workers over serving workers, 0..1. */
    public double utilization() {
        return workers == 0 ? 0.0 : (double) busy / workers;
    }
}
