package dev.pooler.bench.strategies;

import dev.pooler.bench.BenchLoadBalancing;

import dev.pooler.api.PoolRegistry;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.core.impl.routing.RoutingEngine;
import dev.pooler.core.impl.routing.StandaloneRouter;
import java.util.Map;

/** The real {@link RoutingEngine}, outside OSGi: configured and given its strategy by hand, as DS would. */
final class Routers {

    private Routers() {
    }

    /** A router over {@code registry} whose configured (and only) strategy is {@code strategy}, named {@code name}. */
    static RoutingEngine create(PoolRegistry registry, String name, LoadBalancingStrategy strategy) {
        RoutingEngine engine = StandaloneRouter.create(registry, new BenchLoadBalancing(name, 30_000L, 1), strategy, Map.of(LoadBalancingStrategy.NAME, name));
        if (!name.equals(engine.activeStrategy())) {
            throw new IllegalStateException("the router routes with " + engine.activeStrategy() + ", not " + name);
        }
        return engine;
    }

}
