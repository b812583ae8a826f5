package dev.pooler.api.routing;

import dev.pooler.api.Request;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The router's affinity seam: an optional whiteboard service (at most one is used, the highest ranked)
 * that sees each request carrying a session before the strategy, and every outcome after it. A
 * session-affinity bundle implements it; without one the router routes as if no session existed.
 *
 * <p>Both methods run on the routing path: they must be quick and must not block. An exception thrown
 * by either is logged and the request is routed as if the service were absent.
 */
@ConsumerType
public interface SessionRouting {

    /**
     * Where the session's request should go.
     *
     * @param request    the request; {@link Request#sessionId()} is not null
     * @param profile    the router's analysis of it
     * @param candidates the capable pools as the strategy would see them (never empty)
     * @return the preferred pool and strength, or empty to let the strategy choose (a new session); a
     *         preferred pool that is not among the candidates counts as gone
     */
    Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates);

    /**
     * The outcome of one attempt of a session's request, on the pool that ran it (or refused it).
     * Called once per attempt, after the strategy's own feedback.
     */
    void outcome(Request request, RoutingOutcome outcome);
}
