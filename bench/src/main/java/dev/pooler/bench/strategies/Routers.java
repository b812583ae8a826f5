package dev.pooler.bench.strategies;

import dev.pooler.api.PoolRegistry;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.core.impl.routing.LoadBalancingConfiguration;
import dev.pooler.core.impl.routing.RoutingEngine;
import dev.pooler.core.impl.routing.StandaloneRouter;
import java.lang.annotation.Annotation;
import java.util.Map;

/** The real {@link RoutingEngine}, outside OSGi: configured and given its strategy by hand, as DS would. */
final class Routers {

    private Routers() {
    }

    /** A router over {@code registry} whose configured (and only) strategy is {@code strategy}, named {@code name}. */
    static RoutingEngine create(PoolRegistry registry, String name, LoadBalancingStrategy strategy) {
        RoutingEngine engine = StandaloneRouter.create(registry, new Config(name), strategy, Map.of(LoadBalancingStrategy.NAME, name));
        if (!name.equals(engine.activeStrategy())) {
            throw new IllegalStateException("the router routes with " + engine.activeStrategy() + ", not " + name);
        }
        return engine;
    }

    /** {@code dev.pooler.loadbalancing} with its defaults but the strategy. */
    private record Config(String strategy) implements LoadBalancingConfiguration {
        @Override
        public Class<? extends Annotation> annotationType() {
            return LoadBalancingConfiguration.class;
        }

        @Override
        public long rebalance_interval() {
            return 30_000L;
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
        public int routed_event_sampling() {
            return 1; // no Event Admin here, so nothing is posted either way
        }
    }
}
