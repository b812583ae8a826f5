package dev.pooler.api;

/**
 * The life cycle of a pool.
 *
 * <pre>
 * STARTING ──► RUNNING ──► FAILED ──► RECOVERING ──► STARTING ──► RUNNING
 *                              ▲            │
 *                              └────────────┘ (the probe worker died too: wait longer)
 * any ──► STOPPING ──► STOPPED
 * </pre>
 */
public enum PoolState {
    /** Workers are being launched. */
    STARTING,
    /** All workers are up (or being replaced within the restart limit). */
    RUNNING,
    /**
     * Workers crashed in a loop more often than the restart-intensity limit allows: the pool refuses
     * work for a while (backing off), then probes with one worker ({@link #RECOVERING}).
     */
    FAILED,
    /** Half-open: one probe worker is starting; when it comes up healthy the pool returns to full size. */
    RECOVERING,
    /** Draining: queued work still runs, new work is refused. */
    STOPPING,
    STOPPED
}
