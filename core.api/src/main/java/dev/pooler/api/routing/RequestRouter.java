package dev.pooler.api.routing;

import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** Routes requests across pools: profile, capable candidates, strategy, execute, fall back, learn. */
@ProviderType
public interface RequestRouter {

    /**
     * Routes one request. The stage always completes, with a {@link Response} or a
     * {@link PoolerException}; {@code NO_CAPABLE_POOL} names the command when no pool can serve it.
     */
    CompletionStage<Response> route(Request request);

    /** Blocking convenience around {@link #route}. */
    default Response routeAndWait(Request request) {
        try {
            return route(request).toCompletableFuture().join();
        } catch (RuntimeException e) {
            throw PoolerException.of(e);
        }
    }

    /** The strategy in use now (the configured one, or the fallback while it is absent). */
    String activeStrategy();

    /** The load-balancing configuration in force (strategy, rebalance interval, sharing switch, migration threshold). */
    LoadBalancingSettings loadBalancing();

    /** The strategy named by configuration. */
    String configuredStrategy();

    /** Names of the strategies present now. */
    Set<String> availableStrategies();

    /** The capability (command family) a command belongs to. */
    String capabilityOf(String command);

    /** The most recent routing decisions, newest first. */
    List<RoutingDecision> recentDecisions(int max);
}
