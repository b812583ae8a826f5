package dev.pooler.core.impl.pool;

import dev.pooler.api.PoolState;
import dev.pooler.api.WorkerState;

/**
 * Moves a pool's own workers onto new code one at a time (an adapter bundle was updated): each worker
 * launched carries the code generation it started on; a rollout raises the generation and then, whenever
 * the pool is steady (no own worker starting or retiring), marks one worker of an older generation to
 * retire — at once when idle, after its request when busy. Marking it launches its replacement (the
 * sizing rule no longer counts it), so the pool never serves with fewer than its size minus one, and
 * no request is lost. Lent-out workers are rolled when they come home. Runs under the pool's lock.
 */
final class Rollout {

    private final PythonPool pool;
    private long generation;
    private String reason;

    Rollout(PythonPool pool) {
        this.pool = pool;
    }

    /** The generation a worker launched now runs. */
    long generation() {
        return generation;
    }

    /** Starts rolling every own worker onto what a launch gives now. */
    void start(String why, Outbox out) {
        generation++;
        reason = why;
        step(out);
    }

    /** Whether own workers still run older code (at home). */
    boolean rolling() {
        for (Worker m : pool.members) {
            if (stale(m)) {
                return true;
            }
        }
        return false;
    }

    /** Retires the next stale worker when the pool is steady; call whenever a worker becomes ready or leaves. */
    void step(Outbox out) {
        if (reason == null) {
            return;
        }
        if (pool.state != PoolState.RUNNING && pool.state != PoolState.STARTING) {
            return; // failed, recovering or stopping: resumed by the next worker that comes up
        }
        Worker next = null;
        for (Worker m : pool.members) {
            if (m.owner != pool) {
                continue;
            }
            WorkerState s = m.state();
            if (s == WorkerState.STARTING || s == WorkerState.RETIRING || (m.retireReason != null && s != WorkerState.DEAD)) {
                return; // one at a time: wait for the worker in flight
            }
            if (stale(m) && (next == null || (s == WorkerState.IDLE && next.state() != WorkerState.IDLE))) {
                next = m;
            }
        }
        if (next == null) {
            if (pool.lentOut.stream().noneMatch(w -> w.generation < generation)) {
                reason = null; // done
            }
            return;
        }
        next.retireReason = reason;
        if (next.state() == WorkerState.IDLE) {
            pool.sizing.retire(next, out);
        }
        pool.sizing.ensureSize(out);
    }

    private boolean stale(Worker m) {
        return m.owner == pool && m.live() && m.generation < generation;
    }
}
