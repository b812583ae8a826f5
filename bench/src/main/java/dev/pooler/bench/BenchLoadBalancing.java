package dev.pooler.bench;

import dev.pooler.core.impl.routing.LoadBalancingConfiguration;
import java.lang.annotation.Annotation;

/**
 * {@code dev.pooler.loadbalancing} as the bench sets it, outside ConfigAdmin: the strategy, how often
 * sharing rebalances, REQUEST_ROUTED sampling (no Event Admin here, so nothing is posted either way);
 * worker sharing on, migration threshold 0.7 as in the seed; zones preferred, spilling at one request per worker.
 */
public record BenchLoadBalancing(String strategy, long rebalance_interval, int routed_event_sampling)
        implements LoadBalancingConfiguration {

    @Override
    public Class<? extends Annotation> annotationType() {
        return LoadBalancingConfiguration.class;
    }

    @Override
    public boolean worker_sharing_enabled() {
        return true;
    }

    @Override
    public double migration_threshold() {
        return 0.7;
    }

    @Override
    public String zone_preference() {
        return "prefer";
    }

    @Override
    public double zone_spill_load() {
        return 1.0;
    }
}
