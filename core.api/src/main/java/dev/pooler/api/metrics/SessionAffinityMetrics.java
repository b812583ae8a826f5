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
 * @param bytesSynced        bytes of session state written to workers since start (with requests and by pushes),
 *                           counted by core where it writes them; reported whether or not the affinity service runs
 * @param bytesPushed        the part of {@code bytesSynced} pushed ahead of requests ({@code eager} sync, sync calls)
 */
public record SessionAffinityMetrics(boolean serviceAvailable, int activeSessions, Map<String, Integer> sessionsByPool,
                                     Map<String, Integer> sessionsByStrength, double affinityHitRate, long sessionMigrations,
                                     long bytesSynced, long bytesPushed) {

    public SessionAffinityMetrics {
        sessionsByPool = Map.copyOf(sessionsByPool);
        sessionsByStrength = Map.copyOf(sessionsByStrength);
    }

    /** The group without the byte counts (which core adds: see {@link #withTraffic}). */
    public SessionAffinityMetrics(boolean serviceAvailable, int activeSessions, Map<String, Integer> sessionsByPool,
                                  Map<String, Integer> sessionsByStrength, double affinityHitRate, long sessionMigrations) {
        this(serviceAvailable, activeSessions, sessionsByPool, sessionsByStrength, affinityHitRate, sessionMigrations, 0, 0);
    }

    /** The group without a session-affinity service. */
    public static SessionAffinityMetrics withoutService() {
        return new SessionAffinityMetrics(false, 0, Map.of(), Map.of(), 0.0, 0);
    }

    /** The same figures with the bytes core counted. */
    public SessionAffinityMetrics withTraffic(long synced, long pushed) {
        return new SessionAffinityMetrics(serviceAvailable, activeSessions, sessionsByPool, sessionsByStrength,
                affinityHitRate, sessionMigrations, synced, pushed);
    }
}
