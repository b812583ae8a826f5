package dev.pooler.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The mechanism that moves a live worker process between pools (implemented by core.impl; who moves
 * which worker when is the worker-sharing bundle's policy).
 *
 * <p>A move is three steps, each a {@link CompletionStage} with a deadline and a rollback:
 * {@link #detach} takes the worker out of the pool it serves, {@link #attach} re-targets it (a
 * {@code configure} control call when the target's adapter or specialization differs) and adds it to
 * another pool, {@link #rollback} puts a detached worker back where it came from. {@link #move} runs
 * the three as one. Every request keeps exactly one answer across a move: a request queued in the
 * source pool stays there; the request a worker is running when it leaves immediately travels with
 * it and is answered as if it had stayed. A worker keeps its owner (the pool that launched it) for
 * life: while it serves another pool it is lent ({@link PoolStats#lent()}, {@link PoolStats#borrowed()}),
 * and if it dies there its owner replaces it.
 *
 * <p>Failures are {@link PoolerException}s: {@code BAD_REQUEST} for an unknown worker or one that is
 * not movable now (starting, retiring, already in transit), {@code NO_CAPABLE_POOL} for an unknown or
 * stopped target pool, {@code TIMEOUT} when a step passes its deadline, {@code WORKER_ERROR} when the
 * worker refuses its new configuration, {@code WORKER_CRASHED} when it dies on the way.
 */
@ProviderType
public interface WorkerExchange {

    /** How a worker leaves its pool. */
    enum Mode {
        /** New work stops going to it; it leaves once its current request is answered. */
        GRACEFUL,
        /** It leaves now; the request it is running still gets its one answer. */
        IMMEDIATE
    }

    /** Takes a worker out of the pool it serves. The stage completes once it is out (GRACEFUL: once idle). */
    CompletionStage<DetachedWorker> detach(String workerId, Mode mode, Duration deadline);

    /**
     * Adds a detached worker to a pool, re-targeted first when needed. On failure the worker goes back
     * where it came from ({@link #rollback}) and the stage fails with the reason.
     */
    CompletionStage<WorkerInfo> attach(DetachedWorker worker, String poolId, Duration deadline);

    /** Puts a detached worker back into the pool it left (re-targeted back if it was changed). */
    CompletionStage<WorkerInfo> rollback(DetachedWorker worker, Duration deadline);

    /**
     * {@link #detach} then {@link #attach}, rolled back on any failure. Posts {@code WORKER_MIGRATED}
     * (worker_id, from_pool, to_pool, owner_pool, mode, duration, reason, success).
     *
     * @param reason why, in words (for the event and the log)
     */
    CompletionStage<WorkerInfo> move(String workerId, String toPool, Mode mode, Duration deadline, String reason);

    /** Moves a lent worker back to the pool that owns it. */
    CompletionStage<WorkerInfo> giveBack(String workerId, Mode mode, Duration deadline);

    /** A worker of any pool (or one in transit) by id. */
    Optional<WorkerInfo> worker(String workerId);
}
