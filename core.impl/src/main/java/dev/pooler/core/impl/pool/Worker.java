package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.worker.WorkerListener;
import dev.pooler.core.impl.worker.WorkerProcess;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One worker's life, as its pools see it: the process, its state ({@link WorkerState}, moved only
 * along the allowed transitions), the pool that owns it for life and the host it serves now, and the
 * request it runs. Its fields are guarded by the lock of the pool it serves; while it is in transit,
 * by its own monitor.
 */
final class Worker implements WorkerListener {

    private static final Map<WorkerState, Set<WorkerState>> ALLOWED = new EnumMap<>(WorkerState.class);

    static {
        ALLOWED.put(WorkerState.STARTING, EnumSet.of(WorkerState.IDLE, WorkerState.RETIRING, WorkerState.DEAD));
        ALLOWED.put(WorkerState.IDLE, EnumSet.of(WorkerState.BUSY, WorkerState.IN_TRANSIT, WorkerState.RETIRING, WorkerState.DEAD));
        ALLOWED.put(WorkerState.BUSY, EnumSet.of(WorkerState.IDLE, WorkerState.DRAINING, WorkerState.IN_TRANSIT,
                WorkerState.RETIRING, WorkerState.DEAD));
        ALLOWED.put(WorkerState.DRAINING, EnumSet.of(WorkerState.IN_TRANSIT, WorkerState.BUSY, WorkerState.IDLE,
                WorkerState.RETIRING, WorkerState.DEAD)); // BUSY: a departure given up
        ALLOWED.put(WorkerState.IN_TRANSIT, EnumSet.of(WorkerState.IDLE, WorkerState.RETIRING, WorkerState.DEAD));
        ALLOWED.put(WorkerState.RETIRING, EnumSet.of(WorkerState.DEAD));
        ALLOWED.put(WorkerState.DEAD, EnumSet.noneOf(WorkerState.class));
    }

    final PythonPool owner;
    final String id;
    WorkerProcess process;
    /** Where its replies and its exit are delivered. */
    volatile WorkerHost home;

    // Guarded by the lock of the pool it serves (in transit: by this object's monitor).
    private WorkerState state = WorkerState.STARTING;
    PendingRequest current;
    /** The requests written behind {@code current} when its pool pipelines; null until it first does, then for good. */
    volatile Pipe pipe;
    long served;
    long readyAtNanos;
    /** When its process was started (set by the launcher, before the reader thread exists). */
    long launchedAtNanos;
    /** The adapter and specialization it runs now (a lent worker is re-targeted). */
    String adapter;
    String specialization;
    /** The code generation it was launched on ({@link Rollout}); fixed. */
    long generation;
    /** Set when it should leave once it holds no request (recycle, shrink, relaunch). */
    String retireReason;
    /** Set when Pooler itself ends the process, so its exit is not a crash. */
    String exitReason;
    /** The session versions this worker holds (as far as the pool knows), least recently used first out. */
    final SessionVersions sessions = new SessionVersions();
    /** The streaming request whose chunks arrive now, and how many did (read and written on the reader thread only). */
    private long streamId = -1;
    private long streamChunks;
    /** Set, under this object's monitor, when the process has ended: its host no longer changes. */
    private boolean exited;

    volatile long rssKb = -1;
    volatile double cpuLoad = -1;
    private long lastCpuTicks = -1;
    private long lastCpuSampleNanos;

    /** Linux's USER_HZ, fixed at 100 on every mainstream architecture. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    Worker(PythonPool owner, String id, String adapter, String specialization) {
        this.owner = owner;
        this.id = id;
        this.home = owner;
        this.adapter = adapter;
        this.specialization = specialization;
    }

    WorkerState state() {
        return state;
    }

    /** Moves to {@code next}; an illegal transition is a bug and throws. */
    void moveTo(WorkerState next) {
        if (state == next) {
            return;
        }
        if (!ALLOWED.get(state).contains(next)) {
            throw new IllegalStateException("worker " + id + ": " + state + " -> " + next + " is not a transition of the worker lifecycle");
        }
        state = next;
    }

    /** Its pipe, made the first time its pool pipelines to it (lock held). */
    Pipe pipe() {
        Pipe p = pipe;
        if (p == null) {
            p = new Pipe();
            pipe = p;
        }
        return p;
    }

    /** How many requests wait behind the one it runs. */
    int behind() {
        Pipe p = pipe;
        return p == null ? 0 : p.behind();
    }

    /** Whether it holds a request: running, or waiting in its pipe (after its head timed out). */
    boolean holdsWork() {
        return current != null || behind() > 0;
    }

    boolean retiring() {
        return retireReason != null || state == WorkerState.RETIRING;
    }

    /** Serving or able to serve soon: not leaving, not dead. */
    boolean live() {
        return state != WorkerState.DEAD && state != WorkerState.RETIRING && retireReason == null;
    }

    /** Makes {@code next} its host, unless the process has ended. Caller holds the old host's guard. */
    synchronized boolean rehome(WorkerHost next) {
        if (exited) {
            return false;
        }
        home = next;
        return true;
    }

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

    WorkerInfo info(String servingPool) {
        WorkerProcess p = process;
        return new WorkerInfo(id, p.pid(), state, served, rssKb, owner.id(), servingPool, p.startedAtMillis(), cpuLoad);
    }

    // --- what the process says, forwarded to the current host (on the reader thread) ---------------

    @Override
    public void onReady(WorkerProcess worker) {
        home.onReady(this);
    }

    @Override
    public void onResult(WorkerProcess worker, long id, JsonElement result) {
        home.onAnswer(this, id, result, null, null);
    }

    /**
     * A chunk: in sequence, it goes to the request's stream (which may hold this reader thread back, see
     * {@link ChunkStream}); out of sequence, the request fails — a chunk is never delivered twice or invented.
     */
    @Override
    public void onChunk(WorkerProcess worker, long id, long seq, JsonElement chunk) {
        if (id != streamId) {
            streamId = id;
            streamChunks = 0;
        }
        if (seq != streamChunks) {
            home.onAnswer(this, id, null, new PoolerException(ErrorKind.WORKER_ERROR, "the worker sent chunk " + seq
                    + " of request " + id + " where chunk " + streamChunks + " was due", owner.id()), null);
            return;
        }
        streamChunks++;
        home.onChunk(this, id, chunk);
    }

    @Override
    public void onReply(WorkerProcess worker, long id, JsonObject frame) {
        JsonElement end = frame.get("end");
        if (end != null) {
            long said = end.isJsonPrimitive() && end.getAsJsonPrimitive().isNumber() ? end.getAsLong() : -1;
            long arrived = id == streamId ? streamChunks : 0;
            if (said != arrived) {
                home.onAnswer(this, id, null, new PoolerException(ErrorKind.WORKER_ERROR, "the worker said it sent "
                        + end + " chunks of request " + id + ", " + arrived + " arrived", owner.id()), null);
                return;
            }
        }
        JsonElement s = frame.get("session");
        JsonObject session = s != null && s.isJsonObject() ? s.getAsJsonObject() : null;
        JsonElement ok = frame.get("ok");
        if (ok != null && ok.isJsonPrimitive() && ok.getAsBoolean()) {
            JsonElement result = frame.get("result");
            home.onAnswer(this, id, result == null ? com.google.gson.JsonNull.INSTANCE : result, null, session);
        } else {
            home.onAnswer(this, id, null, errorOf(frame), session);
        }
    }

    /** A tool call: answered by the pool this worker serves now (its own when it is in transit). */
    @Override
    public void onToolCall(WorkerProcess worker, JsonObject frame) {
        PythonPool serving = home instanceof PythonPool p ? p : owner;
        serving.onToolCall(this, frame);
    }

    /** Its reader caught up: the requests its pool put in its pipe while handling those replies are written, in one go. */
    @Override
    public void onCaughtUp(WorkerProcess worker) {
        Pipe p = pipe;
        if (p != null) {
            p.write(this);
        }
    }

    @Override
    public void onBrokenReply(WorkerProcess worker, long id, String problem) {
        home.onAnswer(this, id, null, new PoolerException(ErrorKind.WORKER_ERROR, problem, owner.id()), null);
    }

    @Override
    public void onExit(WorkerProcess worker, int exitCode, String reason) {
        WorkerHost h;
        synchronized (this) {
            exited = true;
            h = home;
        }
        h.onExit(this, exitCode, reason);
    }

    private PoolerException errorOf(JsonObject frame) {
        JsonElement err = frame.get("error");
        String type = null;
        if (err != null && err.isJsonObject()) {
            JsonElement t = err.getAsJsonObject().get("type");
            type = t != null && t.isJsonPrimitive() ? t.getAsString() : null;
        }
        ErrorKind kind = "BAD_REQUEST".equals(type) ? ErrorKind.BAD_REQUEST : ErrorKind.WORKER_ERROR;
        String text = WorkerProcess.errorText(frame);
        // a tool's typed error, uncaught by the command, keeps its type in the words (UNKNOWN_TOOL: no tool named …)
        return new PoolerException(kind, dev.pooler.core.impl.tools.ToolError.isNamed(type) ? type + ": " + text : text, owner.id());
    }

    @Override
    public String toString() {
        return "worker " + id + " (pid " + (process == null ? -1 : process.pid()) + ", owner " + owner.id() + ")";
    }
}
