package dev.pooler.api.affinity;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import java.util.Objects;

/**
 * Which pool a session's request runs on (the seed's {@code pool_selector}).
 *
 * <ul>
 * <li>{@link #AFFINITY_AWARE} ({@code affinity_aware}, the default): the session's preferred pool, with
 *     the promises of its {@link dev.pooler.api.routing.AffinityStrength}; a new session is placed by the
 *     router's strategy (with bounded load) and keeps that pool.</li>
 * <li>{@link #PERFORMANCE_OPTIMIZED} ({@code performance_optimized}): the router's active strategy chooses
 *     among all capable pools, ignoring the affinity for this one request (which is left as it was; a new
 *     session gets its affinity from where the request ran). The session's data follows it there.</li>
 * <li>a named pool: that pool only, as {@code Request.pool()}; the affinity is left as it was.</li>
 * </ul>
 *
 * @param kind   what selects the pool
 * @param poolId the named pool ({@link Kind#NAMED} only), else {@code null}
 */
public record PoolSelector(Kind kind, String poolId) {

    public enum Kind { AFFINITY_AWARE, PERFORMANCE_OPTIMIZED, NAMED }

    public static final PoolSelector AFFINITY_AWARE = new PoolSelector(Kind.AFFINITY_AWARE, null);
    public static final PoolSelector PERFORMANCE_OPTIMIZED = new PoolSelector(Kind.PERFORMANCE_OPTIMIZED, null);

    public PoolSelector {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.NAMED) != (poolId != null && !poolId.isBlank())) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "pool_selector: a named pool needs a pool id, the others none");
        }
    }

    /** That pool only. */
    public static PoolSelector pool(String poolId) {
        return new PoolSelector(Kind.NAMED, poolId);
    }

    /** {@code affinity_aware}, {@code performance_optimized}, or any other text as a pool id; null or blank: affinity_aware. */
    public static PoolSelector parse(String value) {
        if (value == null || value.isBlank()) {
            return AFFINITY_AWARE;
        }
        return switch (value.trim()) {
            case "affinity_aware" -> AFFINITY_AWARE;
            case "performance_optimized" -> PERFORMANCE_OPTIMIZED;
            default -> pool(value.trim());
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AFFINITY_AWARE -> "affinity_aware";
            case PERFORMANCE_OPTIMIZED -> "performance_optimized";
            case NAMED -> poolId;
        };
    }
}
