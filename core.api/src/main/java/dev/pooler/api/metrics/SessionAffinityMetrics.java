package dev.pooler.api.metrics;

import java.util.Map;

/**
 * The session-affinity group, from the affinity bundle; empty while it is absent.
 *
 * @param serviceAvailable   whether a session-affinity service reports its figures
 * @param activeSessions     sessions with an affinity now
 * @param sessionsByPool     sessions per preferred pool
 * @param sessionsByStrength sessions per affinity strength ({@code weak}, {@code normal}, {@code strong}, {@code pinned})
 * @param affinityHitRate    0..1: share of session requests served by their preferred pool
 * @param sessionMigrations  sessions moved to another pool since start
 */
public record SessionAffinityMetrics(boolean serviceAvailable, int activeSessions, Map<String, Integer> sessionsByPool,
                                     Map<String, Integer> sessionsByStrength, double affinityHitRate, long sessionMigrations) {

    public SessionAffinityMetrics {
        sessionsByPool = Map.copyOf(sessionsByPool);
        sessionsByStrength = Map.copyOf(sessionsByStrength);
    }

    /** The group without a session-affinity service. */
    public static SessionAffinityMetrics withoutService() {
        return new SessionAffinityMetrics(false, 0, Map.of(), Map.of(), 0.0, 0);
    }
}
