package dev.pooler.api.metrics;

/**
 * Totals over all pools.
 *
 * @param completed           requests answered with a result
 * @param failed              requests answered with an error
 * @param timeouts            requests that timed out
 * @param crashes             worker crashes
 * @param errorRate           failed over answered, 0..1
 * @param meanLatencyMs       mean recent latency, weighted by each pool's answered requests
 * @param worstP99LatencyMs   the highest p99 latency of any pool
 * @param throughputPerSecond requests answered per second since the previous snapshot (0 on the first)
 * @param busyWorkers         workers running a request
 * @param queuedRequests      requests waiting in any pool
 * @param overallUtilization  busy over serving workers across all pools, 0..1
 */
public record CrossPoolPerformanceMetrics(long completed, long failed, long timeouts, long crashes, double errorRate,
                                          double meanLatencyMs, double worstP99LatencyMs, double throughputPerSecond,
                                          int busyWorkers, int queuedRequests, double overallUtilization) {
}
