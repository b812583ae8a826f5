package dev.pooler.api.routing;

/**
 * The load-balancing values in force ({@code dev.pooler.loadbalancing}), as the router validated them.
 * The worker-sharing bundle reads them through {@link RequestRouter#loadBalancing()}.
 *
 * @param strategy             the configured strategy's name
 * @param rebalanceIntervalMs  how often worker sharing re-evaluates the pools (0 = never on its own)
 * @param workerSharingEnabled whether workers may be lent between pools
 * @param migrationThreshold   utilization (0..1) above which a pool asks for workers
 */
public record LoadBalancingSettings(String strategy, long rebalanceIntervalMs, boolean workerSharingEnabled,
                                    double migrationThreshold) {
}
