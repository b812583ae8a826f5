package dev.pooler.api.routing;

import dev.pooler.api.ErrorKind;

/**
 * What became of a routed request: fed back to the strategy that chose the pool.
 *
 * @param poolId       the pool that ran it
 * @param profile      the request's profile
 * @param queuedNanos  time it waited in the pool's queue
 * @param serviceNanos time the worker took
 * @param error        {@code null} on success, otherwise the kind of failure
 */
public record RoutingOutcome(String poolId, RequestProfile profile, long queuedNanos, long serviceNanos,
                             ErrorKind error) {

    public boolean succeeded() {
        return error == null;
    }

    public long latencyNanos() {
        return queuedNanos + serviceNanos;
    }
}
