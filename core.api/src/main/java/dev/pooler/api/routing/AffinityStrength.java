package dev.pooler.api.routing;

import dev.pooler.api.ErrorKind;

/**
 * How firmly a session is bound to its preferred pool. What the router promises for each:
 *
 * <ul>
 * <li>{@link #WEAK}: a hint. The preferred pool is used while it has an idle worker; otherwise the
 *     strategy chooses among all capable pools, and the session may move.</li>
 * <li>{@link #NORMAL}: the preferred pool is used; the request moves to another pool only when that
 *     pool refuses it ({@code POOL_OVERLOADED}, {@code SHUTTING_DOWN}, failed) or is gone.</li>
 * <li>{@link #STRONG}: the preferred pool is used and the request waits in its queue even when it is
 *     busy; it moves only when the pool is gone, failed or stopping.</li>
 * <li>{@link #PINNED}: the preferred pool only. The request never falls back: when that pool is gone it
 *     fails with {@link ErrorKind#NO_CAPABLE_POOL}, when it refuses it fails with that refusal
 *     ({@code POOL_OVERLOADED}, {@code SHUTTING_DOWN}).</li>
 * </ul>
 *
 * A request that names a pool itself ({@code Request.pool()}) goes there whatever the affinity.
 */
public enum AffinityStrength {
    WEAK, NORMAL, STRONG, PINNED;

    /** Whether a request may leave the preferred pool after it refused the request with {@code kind}. */
    public boolean mayLeaveAfter(ErrorKind kind) {
        return switch (this) {
            case WEAK, NORMAL -> true;
            case STRONG -> kind == ErrorKind.SHUTTING_DOWN;
            case PINNED -> false;
        };
    }
}
