package dev.pooler.api;

/**
 * The life cycle of one worker process, as one state machine:
 *
 * <pre>
 * STARTING ──► IDLE ⇄ BUSY
 *                │      │
 *                ▼      ▼
 *            DRAINING (takes no new work; leaves once its request is answered)
 *                │
 *                ▼
 *           IN_TRANSIT (between pools: re-targeted, then attached to another pool, or back)
 *                │
 *                ▼
 *              IDLE (in its new pool)
 *
 * any state ──► RETIRING (asked to exit: recycled, shrunk, relaunched, pool stopping) ──► DEAD
 * any state ──► DEAD (the process ended)
 * </pre>
 *
 * Whether a worker is lent is not a state: it is a worker whose {@link WorkerInfo#servingPool()}
 * differs from its {@link WorkerInfo#ownerPool()}.
 */
public enum WorkerState {
    /** Launched; its handshake has not arrived yet. */
    STARTING,
    /** Ready for a request. */
    IDLE,
    /** Running a request. */
    BUSY,
    /** Finishing its request before it leaves its pool (a graceful move). */
    DRAINING,
    /** Out of every pool, on its way to another one (or back). */
    IN_TRANSIT,
    /** Asked to exit; finishes what it holds, then ends. */
    RETIRING,
    /** The process ended. */
    DEAD
}
