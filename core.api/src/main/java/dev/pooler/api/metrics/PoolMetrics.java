package dev.pooler.api.metrics;

/**
 * One pool's figures at the time of the snapshot.
 *
 * @param poolId        the pool
 * @param type          its type, lower case
 * @param zone          its geographic zone
 * @param state         its life-cycle state
 * @param size          configured number of workers
 * @param workers       workers serving it now (own not lent, plus borrowed)
 * @param busy          workers running a request
 * @param idle          workers ready for one
 * @param queued        requests waiting
 * @param lent          own workers lent to other pools
 * @param borrowed      other pools' workers serving it
 * @param utilization   busy over workers, 0..1
 * @param completed     requests answered with a result, since the pool started
 * @param failed        requests answered with an error
 * @param timeouts      requests that timed out (also in failed)
 * @param crashes       worker processes that died unexpectedly
 * @param restarts      workers launched to replace dead or recycled ones
 * @param meanLatencyMs mean recent latency (queue + service)
 * @param p50LatencyMs  median recent latency
 * @param p99LatencyMs  99th percentile of recent latencies
 * @param meanServiceMs mean recent service time
 * @param cancelled     requests their callers cancelled (not in failed)
 * @param refused       requests turned away before a worker saw them (not in failed)
 */
public record PoolMetrics(String poolId, String type, String zone, String state, int size, int workers, int busy,
                          int idle, int queued, int lent, int borrowed, double utilization, long completed,
                          long failed, long timeouts, long crashes, long restarts, double meanLatencyMs,
                          double p50LatencyMs, double p99LatencyMs, double meanServiceMs, long cancelled, long refused) {

    /** Without counts of cancelled and refused requests (0). */
    public PoolMetrics(String poolId, String type, String zone, String state, int size, int workers, int busy,
                       int idle, int queued, int lent, int borrowed, double utilization, long completed,
                       long failed, long timeouts, long crashes, long restarts, double meanLatencyMs,
                       double p50LatencyMs, double p99LatencyMs, double meanServiceMs) {
        this(poolId, type, zone, state, size, workers, busy, idle, queued, lent, borrowed, utilization, completed, failed,
                timeouts, crashes, restarts, meanLatencyMs, p50LatencyMs, p99LatencyMs, meanServiceMs, 0, 0);
    }

    /** Requests answered, with a result or an error. */
    public long requests() {
        return completed + failed;
    }
}
