package dev.pooler.api;

/** The life cycle of a pool. */
public enum PoolState {
    /** Workers are being launched. */
    STARTING,
    /** All workers are up (or being replaced within the restart limit). */
    RUNNING,
    /** Workers crashed more often than the restart-intensity limit allows; the pool refuses work. */
    FAILED,
    /** Draining: queued work still runs, new work is refused. */
    STOPPING,
    STOPPED
}
