package dev.pooler.api.affinity;

import dev.pooler.api.routing.AffinityStrength;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Session → pool affinity (the seed's {@code SessionAffinity}). The affinity bundle keeps one mapping per
 * session and gives it to the router through {@link dev.pooler.api.routing.SessionRouting}, so every request
 * with a session — from {@link CrossPoolSessionManager}, {@code RequestRouter.route}, the HTTP API or the
 * shell — is routed by it:
 *
 * <ul>
 * <li>A new session (no mapping) is placed by the router's strategy, with bounded load: when the pool the
 *     strategy chose already holds more than (1 + ε) × the average number of sessions per capable pool, the
 *     session's affinity goes to the capable pool with the fewest sessions instead (ε is documented by the
 *     implementation). The affinity gets the configured {@code default_strength}.</li>
 * <li>Then its requests go to the preferred pool, with the promises of the strength
 *     ({@link AffinityStrength}): a {@code PINNED} session whose pool is gone, stopped or cannot serve the
 *     command fails with {@code NO_CAPABLE_POOL}; a {@code STRONG} one waits in its pool's queue.</li>
 * <li>When the preferred pool cannot take a request (gone, failed, or not serving its command) and
 *     {@code cross_pool_migration} is on and the session is not pinned, the session moves to the compatible
 *     pool with the fewest sessions, a {@code SESSION_MIGRATED} event is posted, and its data follows it
 *     (it lives in the platform's session store, not in a pool).</li>
 * <li>An affinity unused for {@code affinity_timeout} seconds expires; the session is then new again.</li>
 * <li>A request that names a pool, or a strategy, is routed as it asks; the affinity is left as it was.</li>
 * </ul>
 */
@ProviderType
public interface SessionAffinity {

    /**
     * The pool a request of that type ({@code requestType}: a command) from the session goes to now. When the
     * preferred pool can no longer serve it, this moves the session as a request would (see above).
     *
     * @return the pool, or empty when the session has no affinity (the strategy will place it), or when it
     *         cannot move (pinned, or migration off) and its pool cannot serve the command
     */
    Optional<String> preferredPool(String sessionId, String requestType);

    /**
     * Sets (or replaces) the session's affinity.
     *
     * @throws dev.pooler.api.PoolerException {@code BAD_REQUEST} when no such pool exists or an argument is blank
     */
    SessionMapping establishAffinity(String sessionId, String poolId, AffinityStrength strength);

    /** Sets the session's affinity with the configured {@code default_strength}. */
    SessionMapping establishAffinity(String sessionId, String poolId);

    /** The session's affinity, unless it has none or it expired. */
    Optional<SessionMapping> mapping(String sessionId);

    /** Every affinity held now, most recently used first. */
    List<SessionMapping> mappings();

    /** Drops the session's affinity (not its data); returns whether there was one. */
    boolean forget(String sessionId);

    /** Counters since the service started. */
    AffinityStats stats();

    /** The strength a new affinity gets (configuration {@code default_strength}). */
    AffinityStrength defaultStrength();

    /** The configured {@code session_data_sync}. */
    SessionDataSync dataSync();
}
