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
    volatile double cpuLoad = -1;
    private long lastCpuTicks = -1;
    private long lastCpuSampleNanos;

    /** Reads memory and CPU from the OS; CPU load is the share of one CPU since the previous sample. */
    void sampleResources(long nowNanos) {
        rssKb = process.rssKb();
        long ticks = process.cpuTicks();
        if (ticks >= 0 && lastCpuTicks >= 0 && nowNanos > lastCpuSampleNanos) {
            double seconds = (nowNanos - lastCpuSampleNanos) / 1e9;
            cpuLoad = Math.max(0, Math.min(1.0, (ticks - lastCpuTicks) / (double) CLOCK_TICKS_PER_SECOND / seconds));
        }
        lastCpuTicks = ticks;
        lastCpuSampleNanos = nowNanos;
    }

    /** Linux's USER_HZ, fixed at 100 on every mainstream architecture. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    WorkerSlot(PythonPool pool) {
        this.pool = pool;
    }

    boolean retiring() {
        return retireReason != null;
    }

    WorkerInfo info(String poolId) {
        WorkerProcess p = process;
        return new WorkerInfo(p.id(), p.pid(), state, served, rssKb, p.ownerPool(), poolId, p.startedAtMillis(), cpuLoad);
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
