package dev.pooler.api.routing;

import java.util.Objects;

/**
 * Where a session's request should run: the preferred pool and how firmly (see {@link AffinityStrength}).
 *
 * @param poolId   the preferred pool's id
 * @param strength what the router may do when that pool is busy, refuses or is gone
 */
public record SessionPlacement(String poolId, AffinityStrength strength) {
    public SessionPlacement {
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(strength, "strength");
    }
}
