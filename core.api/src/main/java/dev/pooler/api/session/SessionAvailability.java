package dev.pooler.api.session;

import java.util.Objects;

/**
 * Whether a session's data is in a pool (the seed's {@code check_session_data_availability}), as the pool
 * knows it: which version its live workers hold, from what it shipped to them and what their replies said.
 *
 * <ul>
 * <li>{@link Status#AVAILABLE}: the store holds the session's state and every ready worker of the pool holds
 *     its current version: any of them runs the next request without the state travelling.</li>
 * <li>{@link Status#PARTIAL}: the store holds the state, but some (or all) ready workers of the pool hold no
 *     copy or an older version; a request that reaches one of them needs the state shipped (it travels with
 *     the request, or, with {@code session_data_sync = manual}, only once the session was synced to the
 *     pool: see {@link SessionSync}).</li>
 * <li>{@link Status#MISSING}: the store holds no state of the session (a new session, one whose requests
 *     changed nothing yet, or one the store forgot): there is nothing to sync, and a request starts it
 *     afresh (or, for a forgotten one, is told so once).</li>
 * </ul>
 *
 * @param sessionId      the session
 * @param poolId         the pool
 * @param status         see above
 * @param version        the store's version of the state (0 when {@code MISSING})
 * @param workersHolding ready workers of the pool holding that version
 * @param workers        ready workers of the pool (idle or busy; not starting, not leaving)
 * @param inPool         whether the session's data was given to this pool (it began there, a request
 *                       carried it there, or a sync pushed it): what {@code manual} sync requires before
 *                       a request may run there
 */
public record SessionAvailability(String sessionId, String poolId, Status status, long version, int workersHolding,
                                  int workers, boolean inPool) {

    public enum Status { AVAILABLE, PARTIAL, MISSING }

    public SessionAvailability {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(status, "status");
    }

    /** The status from the counts: MISSING without state, AVAILABLE when every ready worker holds it (and there is one). */
    public static Status statusOf(long version, int workersHolding, int workers) {
        if (version <= 0) {
            return Status.MISSING;
        }
        return workers > 0 && workersHolding >= workers ? Status.AVAILABLE : Status.PARTIAL;
    }
}
