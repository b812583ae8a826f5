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

    /**
     * Routes one streaming request ({@link dev.pooler.api.Pool#stream}). It may try another pool only while no
     * chunk has arrived: once one has, a failure ends the stream, typed, and nothing runs twice.
     */
    dev.pooler.api.ResponseStream stream(Request request);

    /** Cancels a request by id: a stream this router runs, else whichever pool holds it. False when none does. */
    boolean cancel(long requestId);

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
