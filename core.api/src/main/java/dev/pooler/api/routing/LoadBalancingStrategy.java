package dev.pooler.api.routing;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A load-balancing strategy: picks one pool among capable candidates. Implemented by plug-in
 * bundles and published as a whiteboard service with the property {@link #NAME}
 * (use {@link PoolerStrategy} on the component). The router calls {@link #select} on the caller's
 * thread, concurrently: implementations must be thread-safe and fast (a few microseconds).
 */
@ConsumerType
public interface LoadBalancingStrategy {

    /** Service property naming the strategy, e.g. {@code round_robin}. */
    String NAME = "pooler.strategy";

    /**
     * Chooses a pool.
     *
     * @param candidates capable, running pools; never empty; read-only
     * @param profile    the request
     * @return one of {@code candidates}
     */
    PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile);

    /** Feedback after a routed request was answered. Default: ignored. */
    default void recordOutcome(RoutingOutcome outcome) {
    }
}
