package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.pooler.api.DetachedWorker;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A worker between pools. It hosts the worker while no pool does: the request the worker was running
 * when it left ({@code IMMEDIATE}) is answered here exactly as its pool would have, and the worker can
 * be re-targeted ({@code configure}) before a pool adopts it. Its state is guarded by the worker's
 * monitor; it never takes a pool's lock while holding it.
 */
public final class Transit implements DetachedWorker, WorkerHost {

    private static final System.Logger LOG = System.getLogger(Transit.class.getName());

    private final Worker w;
    private final PythonPool from;
    private final PoolRuntime rt;
    /** Completes once the worker holds no request (at once if it left idle). */
    private final CompletableFuture<Void> idle = new CompletableFuture<>();
    private final ScheduledFuture<?> carriedDeadline;

    Transit(Worker w, PythonPool from, PoolRuntime rt) {
        this.w = w;
        this.from = from;
        this.rt = rt;
        PendingRequest carried = w.current;
        if (carried == null) {
            idle.complete(null);
            carriedDeadline = null;
        } else {
            long left = Math.max(0, carried.deadlineNanos - System.nanoTime());
            carriedDeadline = rt.scheduler().schedule(() -> carriedTimedOut(carried), left, TimeUnit.NANOSECONDS);
        }
    }

    Worker worker() {
        return w;
    }

    @Override
    public String workerId() {
        return w.id;
    }

    @Override
    public String fromPool() {
        return from.id();
    }

    @Override
    public String ownerPool() {
        return w.owner.id();
    }

    @Override
    public long pid() {
        return w.process.pid();
    }

    public PythonPool from() {
        return from;
    }

    public WorkerInfo info() {
        synchronized (w) {
            return w.info(null);
        }
    }

    /**
     * Makes the worker fit {@code target}: waits until it holds no request, then (always, since it
     * also clears the sessions of its former pool) sends {@code configure} with the target's adapter,
     * specialization and id. Fails — the worker unchanged — when the interpreter differs, the worker
     * refuses, or the deadline passes.
     */
    public CompletableFuture<Void> retarget(PoolConfig target, Duration deadline) {
        long start = System.nanoTime();
        if (!Objects.equals(target.workerSpec().python(), w.owner.config().workerSpec().python())) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.WORKER_ERROR, "worker " + w.id + " runs "
                    + w.owner.config().workerSpec().python() + "; pool " + target.poolId() + " needs "
                    + target.workerSpec().python(), target.poolId()));
        }
        return idle.copy().orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new PoolerException(ErrorKind.TIMEOUT, "worker " + w.id
                        + " still ran its request after " + deadline.toMillis() + " ms", from.id())))
                .thenComposeAsync(x -> configure(target, deadline.minusNanos(System.nanoTime() - start)), rt.answers());
    }

    private CompletableFuture<Void> configure(PoolConfig target, Duration left) {
        JsonObject f = new JsonObject();
        f.addProperty("adapter", target.workerSpec().adapter());
        JsonObject bundled = rt.adapters().tableFor(target.workerSpec().adapter());
        if (bundled != null) {
            f.add("adapters", bundled); // the target's adapter is a bundle: where its code is
        }
        if (target.specialization() == null) {
            f.add("specialization", JsonNull.INSTANCE);
        } else {
            f.addProperty("specialization", target.specialization());
        }
        f.addProperty("pool", target.poolId());
        Duration d = left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
        return w.process.call("configure", f, d, rt.scheduler()).thenAccept(result -> {
            synchronized (w) {
                w.adapter = target.workerSpec().adapter();
                w.specialization = target.specialization();
                w.sessions.clear(); // configure cleared the worker's sessions
            }
        });
    }

    /** Whether the worker runs what {@code pool} launches (its adapter and specialization). */
    public boolean fits(PoolConfig pool) {
        synchronized (w) {
            return Objects.equals(w.adapter, pool.workerSpec().adapter()) && Objects.equals(w.specialization, pool.specialization());
        }
    }

    /** Ends a worker that can go nowhere (it refused to come back): its owner replaces it. */
    public void discard(String why) {
        LOG.log(System.Logger.Level.WARNING, "{0} is ended: {1}", w, why);
        synchronized (w) {
            w.exitReason = why;
        }
        w.process.kill();
    }

    // --- the worker's news while in transit ----------------------------------------------------------

    @Override
    public void onReady(Worker worker) {
        // a worker in transit was ready long ago
    }

    @Override
    public void onAnswer(Worker worker, long id, JsonElement result, PoolerException error, JsonObject session) {
        PendingRequest done = null;
        WorkerHost elsewhere = null;
        SessionChange change = null;
        synchronized (w) {
            if (w.home != this) {
                elsewhere = w.home;
            } else if (w.current != null && (id < 0 || w.current.wireId == id)) {
                done = w.current;
                w.current = null;
                w.served++;
                change = SessionChange.of(session, w);
            }
        }
        if (elsewhere != null) {
            elsewhere.onAnswer(worker, id, result, error, session);
            return;
        }
        if (done == null) {
            return;
        }
        if (change != null) {
            change.keep(rt.sessions());
        }
        if (carriedDeadline != null) {
            carriedDeadline.cancel(false);
        }
        long now = System.nanoTime();
        if (error == null) {
            done.succeed(w.id, result, now);
        } else {
            done.fail(error, now);
        }
        idle.complete(null);
    }

    @Override
    public void onChunk(Worker worker, long id, JsonElement chunk) {
        ChunkStream s = null;
        WorkerHost elsewhere = null;
        synchronized (w) {
            if (w.home != this) {
                elsewhere = w.home;
            } else if (w.current != null && w.current.wireId == id) {
                s = w.current.stream;
            }
        }
        if (elsewhere != null) {
            elsewhere.onChunk(worker, id, chunk);
        } else if (s != null) {
            s.offer(chunk); // outside the monitor: it may wait for the subscriber
        }
    }

    @Override
    public void onExit(Worker worker, int exitCode, String reason) {
        PendingRequest lost;
        boolean crash;
        synchronized (w) {
            lost = w.current;
            w.current = null;
            crash = w.exitReason == null;
            w.moveTo(WorkerState.DEAD);
        }
        PoolerException e = new PoolerException(ErrorKind.WORKER_CRASHED, "worker " + w.id + " died while moving from pool "
                + from.id() + ": " + reason + ", exit code " + exitCode, from.id());
        if (lost != null) {
            lost.fail(e, System.nanoTime());
        }
        idle.completeExceptionally(e);
        if (crash) {
            w.owner.reportCrash(w, exitCode, reason);
        }
        w.owner.onLentWorkerDied(w, crash, exitCode, reason);
    }

    private void carriedTimedOut(PendingRequest p) {
        boolean mine;
        synchronized (w) {
            mine = w.home == this && w.current == p;
            if (mine) {
                w.current = null;
                w.exitReason = "its request timed out";
            }
        }
        if (mine) {
            w.process.kill();
            p.fail(new PoolerException(ErrorKind.TIMEOUT, "'" + p.request.command() + "' ran longer than its timeout of "
                    + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms (its worker was moving between pools and was killed)",
                    from.id()), System.nanoTime());
        }
    }

    @Override
    public String toString() {
        return "transit of " + w + " from " + from.id();
    }
}
