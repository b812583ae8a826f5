package dev.pooler.api.metrics;

import java.util.Map;

/**
 * The seed's load-balancing group.
 *
 * @param routerAvailable            whether a request router is running (otherwise the routing figures are empty)
 * @param activeStrategy             the strategy in use, or {@code null} without a router
 * @param routingDecisions           statistics over the router's recent decisions
 * @param poolUtilizationVariance    population variance of the pools' utilization (0 = all equally busy)
 * @param loadBalancingEfficiency    Jain's fairness index of outstanding work per worker over the running
 *                                   pools: 1 when load is spread evenly, 1/n when one pool of n holds it all
 * @param requestDistribution        requests answered per pool since the pools started
 * @param averageResponseTimeMsByPool mean recent latency per pool, in milliseconds
 */
public record LoadBalancingMetrics(boolean routerAvailable, String activeStrategy, RoutingDecisionStats routingDecisions,
                                   double poolUtilizationVariance, double loadBalancingEfficiency,
                                   Map<String, Long> requestDistribution, Map<String, Double> averageResponseTimeMsByPool) {

    public LoadBalancingMetrics {
        requestDistribution = Map.copyOf(requestDistribution);
        averageResponseTimeMsByPool = Map.copyOf(averageResponseTimeMsByPool);
    }
}
