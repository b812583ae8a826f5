package dev.pooler.core.impl.routing;

import dev.pooler.api.PoolRegistry;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.SessionRouting;
import java.util.Map;

/**
 * The bench's way to the real {@link RoutingEngine} outside OSGi: it lives in the router's package (on
 * the bench's plain classpath) and binds the strategy as DS would, through the package-private binder,
 * so the production API carries no hook for it.
 */
public final class StandaloneRouter {

    private StandaloneRouter() {
    }

    public static RoutingEngine create(PoolRegistry registry, LoadBalancingConfiguration config,
                                       LoadBalancingStrategy strategy, Map<String, Object> properties) {
        RoutingEngine engine = new RoutingEngine(registry, config, null, System::nanoTime);
        engine.bindStrategy(strategy, properties);
        engine.activated();
        return engine;
    }

    /** The same router with a session-affinity seam bound, as DS binds the affinity bundle's service. */
    public static RoutingEngine create(PoolRegistry registry, LoadBalancingConfiguration config,
                                       LoadBalancingStrategy strategy, Map<String, Object> properties,
                                       SessionRouting sessions) {
        RoutingEngine engine = create(registry, config, strategy, properties);
        engine.bindSessionRouting(sessions);
        return engine;
    }
}
