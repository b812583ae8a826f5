package dev.pooler.affinity.internal;

/**
 * Pushes a session's data to a pool's workers ({@code eager} sync; core's
 * {@link dev.pooler.api.session.SessionSync#push} in the framework, a list in tests). Must not block: the
 * policy calls it on the routing path.
 */
@FunctionalInterface
interface DataPusher {

    DataPusher NONE = (session, pool) -> { };

    void push(String sessionId, String poolId);
}
