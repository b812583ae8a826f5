package dev.pooler.api.metrics;

import java.util.List;

/**
 * One snapshot of every metric group.
 *
 * @param timestampMillis      when it was taken
 * @param pools                per-pool figures, by pool id (the rows the groups below summarise)
 * @param poolDistribution     how pools and workers are spread over types, states and zones
 * @param loadBalancing        routing decisions and how evenly load is spread
 * @param workerSharing        loans and migrations between pools
 * @param sessionAffinity      sessions and the pools they stick to
 * @param crossPoolPerformance totals and latencies over all pools
 */
public record ComprehensiveMetrics(long timestampMillis, List<PoolMetrics> pools, PoolDistributionMetrics poolDistribution,
                                   LoadBalancingMetrics loadBalancing, WorkerSharingMetrics workerSharing,
                                   SessionAffinityMetrics sessionAffinity, CrossPoolPerformanceMetrics crossPoolPerformance) {

    public ComprehensiveMetrics {
        pools = List.copyOf(pools);
    }
}
