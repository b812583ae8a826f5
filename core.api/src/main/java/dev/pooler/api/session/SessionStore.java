package dev.pooler.api.session;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where sessions' state lives between requests (provided by core.impl, in the JVM's memory, so it
 * outlives every worker and any plug-in bundle that is stopped). A request with a session reaches a
 * worker together with the session's current state when that worker lacks it; a reply that changed the
 * state brings the new version back here. Bounded: a session unused for longer than the time to live
 * expires, and past the maximum number of sessions the least recently used is evicted; a request of an
 * expired or evicted session is refused once with {@code BAD_REQUEST} saying so, and the next one
 * starts the session afresh.
 */
@ProviderType
public interface SessionStore {

    /** The session's state now, if the store holds it. */
    Optional<SessionState> get(String sessionId);

    /** Every session held now, most recently used first. */
    List<SessionState> sessions();

    /** Forgets a session (its workers drop it as they are asked); returns whether there was one. */
    boolean delete(String sessionId);

    /** Sessions held now. */
    int size();

    /** The time to live of an unused session, in seconds. */
    long ttlSeconds();

    /** The most sessions held at once. */
    int maxSessions();
}
