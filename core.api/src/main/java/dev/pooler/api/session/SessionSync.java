package dev.pooler.api.session;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Moving a session's state to a pool's workers (provided by core.impl, next to the {@link SessionStore}).
 *
 * <p>Core always ships a session's state <em>inside</em> a pool: a request reaching a worker that lacks the
 * current version brings it along, so a worker that dies costs at most its request. Between pools there are
 * three ways, chosen by the session-affinity bundle's {@code session_data_sync}:
 * <ul>
 * <li>{@code lazy}: a request brings the state to any pool (what happens when nothing asks otherwise);</li>
 * <li>{@code eager}: the same, and the affinity bundle {@link #push pushes} the state to the workers of the
 *     pool a session's affinity moves to (or is set on), before its next request;</li>
 * <li>{@code manual} ({@link #requireExplicitSync(boolean) requireExplicitSync(true)}): a pool receives a
 *     session's state only when the session began there, or a {@link #push sync} put it there. A request of a
 *     session whose state is in the store but not in the pool it reaches does not run: it fails with
 *     {@code BAD_REQUEST} ("… was not synced to pool 'p' … call syncSession"), before any worker sees it.
 *     Once in a pool, the state follows the session from worker to worker there as usual.</li>
 * </ul>
 */
@ProviderType
public interface SessionSync {

    /**
     * Where the session's data stands in the pool (the seed's {@code available}, {@code partial}, {@code missing}).
     *
     * @throws dev.pooler.api.PoolerException {@code BAD_REQUEST} when this platform runs no pool of that id
     */
    SessionAvailability availability(String sessionId, String poolId);

    /**
     * Pushes the session's current state to every ready worker of the pool that lacks it (a control call each,
     * answered in order after the request a busy worker runs), and marks the session's data as in the pool.
     *
     * @return a stage completing, once every worker answered (or failed to), with the availability then; at once
     *         with {@code MISSING} when the store holds no state; failed with {@code BAD_REQUEST} for an unknown pool
     */
    CompletionStage<SessionAvailability> push(String sessionId, String poolId);

    /**
     * Turns the {@code manual} rule on or off (see above); off by default, and the affinity bundle turns it off
     * when it stops.
     */
    void requireExplicitSync(boolean required);

    /** Whether the {@code manual} rule is on. */
    boolean explicitSyncRequired();

    /** What was shipped so far. */
    SessionTraffic traffic();
}
