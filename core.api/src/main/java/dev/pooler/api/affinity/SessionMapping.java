package dev.pooler.api.affinity;

import dev.pooler.api.routing.AffinityStrength;
import java.util.Objects;

/**
 * One session's affinity: the pool its requests prefer and how firmly.
 *
 * @param sessionId         the session
 * @param poolId            the preferred pool
 * @param strength          what the router may do when that pool is busy, refuses or is gone
 * @param establishedMillis when the affinity was set (or the session last moved)
 * @param requestCount      requests of the session routed while it had this affinity
 * @param lastAccessMillis  when a request of the session was last routed; the affinity expires
 *                          {@code affinity_timeout} seconds after it
 */
public record SessionMapping(String sessionId, String poolId, AffinityStrength strength, long establishedMillis,
                             long requestCount, long lastAccessMillis) {

    public SessionMapping {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(strength, "strength");
    }
}
