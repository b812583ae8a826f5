package dev.pooler.core.impl.routing;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration {@code dev.pooler.loadbalancing}: the seed's {@code load_balancing} section. */
@ObjectClassDefinition(id = RoutingEngine.PID, name = "Pooler load balancing",
        description = "How requests are spread across pools, and when workers are shared or migrated between them.")
public @interface LoadBalancingConfiguration {

    @AttributeDefinition(name = "Strategy",
            description = "The load-balancing strategy: round_robin, weighted_round_robin, least_connections, "
                    + "response_time, resource_aware, p2c, ml_optimized, or the name of a strategy plug-in. "
                    + "While the named strategy is not installed, round_robin (or any present one) stands in.")
    String strategy() default "ml_optimized";

    @AttributeDefinition(name = "Rebalance interval (ms)",
            description = "How often worker sharing re-evaluates the pools' loads, in milliseconds (0 = never on its own).",
            min = "0")
    long rebalance_interval() default 30_000L;

    @AttributeDefinition(name = "Worker sharing enabled",
            description = "Whether idle workers may be lent to overloaded pools.")
    boolean worker_sharing_enabled() default true;

    @AttributeDefinition(name = "Migration threshold",
            description = "Utilization (0..1) above which a pool asks for workers from others (0.7 = 70 % busy).",
            min = "0", max = "1")
    double migration_threshold() default 0.7;

    @AttributeDefinition(name = "REQUEST_ROUTED events: one in N",
            description = "Post a REQUEST_ROUTED event for one routed request in N (1 = every request, 0 = none). "
                    + "Raise it when routing millions of requests and nobody listens to each.",
            min = "0")
    int routed_event_sampling() default 1;

    @AttributeDefinition(name = "Zone preference",
            description = "prefer: requests stay in the caller's zone (the request's zone argument, else this node's "
                    + "POOLER_ZONE) while one of its pools has room, and spill to other zones when all are overloaded; "
                    + "strict: they leave it only when none of its pools can take them; none: zones play no part.",
            options = {
                    @Option(label = "prefer", value = "prefer"),
                    @Option(label = "strict", value = "strict"),
                    @Option(label = "none", value = "none")
            })
    String zone_preference() default "prefer";

    @AttributeDefinition(name = "Zone spill load",
            description = "Outstanding requests per worker ((busy + queued) / workers) at which a pool counts as "
                    + "overloaded: when every pool of the caller's zone is at or past it, other zones' pools become "
                    + "candidates too (prefer). 1.0 = every worker busy; must be > 0.")
    double zone_spill_load() default 1.0;
}
