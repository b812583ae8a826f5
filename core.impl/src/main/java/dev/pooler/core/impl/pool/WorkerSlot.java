package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.worker.WorkerListener;
import dev.pooler.core.impl.worker.WorkerProcess;

/** A pool's place for one worker process: its state, the request it holds, why it may leave. */
final class WorkerSlot implements WorkerListener {

    private final PythonPool pool;
    WorkerProcess process;

    // Guarded by the pool's lock.
    WorkerState state = WorkerState.STARTING;
    PendingRequest current;
    long served;
    /** Set when the worker should leave after its current request (recycle, shrink, relaunch). */
    String retireReason;
    /** Set when the pool itself ends the process, so its exit is not a crash. */
    String expectedExit;
    boolean replaceOnExit = true;

    volatile long rssKb = -1;

    WorkerSlot(PythonPool pool) {
        this.pool = pool;
    }

    boolean retiring() {
        return retireReason != null;
    }

    WorkerInfo info(String poolId) {
        WorkerProcess p = process;
        return new WorkerInfo(p.id(), p.pid(), state, served, rssKb, p.ownerPool(), poolId, p.startedAtMillis());
    }

    @Override
    public void onReady(WorkerProcess worker) {
        pool.onReady(this);
    }

    @Override
    public void onReply(WorkerProcess worker, long id, JsonObject frame) {
        pool.onReply(this, id, frame);
    }

    @Override
    public void onResult(WorkerProcess worker, long id, JsonElement result) {
        pool.onResult(this, id, result);
    }

    @Override
    public void onExit(WorkerProcess worker, int exitCode, String reason) {
        pool.onExit(this, exitCode, reason);
    }
}
