package dev.pooler.api.affinity;

/**
 * Counters of the affinity service since it started.
 *
 * @param hits        session requests that ran on their preferred pool
 * @param misses      session requests of a session with an affinity that ran elsewhere
 * @param migrations  sessions moved to another pool
 * @param bytesSynced bytes of session state written to workers (with requests and by pushes), counted by core
 *                    where it writes them (see {@link dev.pooler.api.session.SessionTraffic})
 */
public record AffinityStats(long hits, long misses, long migrations, long bytesSynced) {

    /** 0..1: share of session requests served by their preferred pool (0 when there was none). */
    public double hitRate() {
        long all = hits + misses;
        return all == 0 ? 0.0 : (double) hits / all;
    }
}
