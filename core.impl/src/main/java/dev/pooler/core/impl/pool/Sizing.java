package dev.pooler.core.impl.pool;

import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.worker.WorkerProcess;
import dev.pooler.core.impl.worker.WorkerStarter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A pool's size, by one rule: its own workers that will go on serving — at home, starting, or lent
 * out — number the configured size (one while a failed pool probes). Missing ones are launched
 * (after the restart policy's backoff); extra ones retire, idle ones first, busy ones after their
 * request. Borrowed workers are never counted nor retired here: their owner sizes them. Only this
 * class launches workers, so a recycled worker and a crash can never both be replaced. Every method
 * runs under the pool's lock; what must not (pipe writes, launches) goes to the {@link Outbox}.
 */
final class Sizing {

    private static final System.Logger LOG = System.getLogger(Sizing.class.getName());
    static final Duration RETIRE_GRACE = Duration.ofSeconds(2);

    private final PythonPool pool;
    /** Own workers that died or were recycled and are owed a replacement (counted as restarts when launched). */
    private int owed;

    Sizing(PythonPool pool) {
        this.pool = pool;
    }

    /** An own worker is gone: its replacement, when the rule launches one, counts as a restart. */
    void replacementOwed() {
        owed++;
    }

    /** Applies the rule now. */
    void ensureSize(Outbox out) {
        PoolState state = pool.state;
        if (state == PoolState.FAILED || state == PoolState.STOPPING || state == PoolState.STOPPED) {
            return;
        }
        if (pool.missingAdapter != null) {
            return; // a worker could not load its code: nothing starts until the adapter is back
        }
        int want = state == PoolState.RECOVERING ? 1 : pool.config.size();
        int live = pool.lentOut.size();
        for (Worker m : pool.members) {
            if (m.owner == pool && m.live()) {
                live++;
            }
        }
        for (; live < want; live++) {
            launch(out);
        }
        owed = 0; // replacements beyond the size are not owed
        for (WorkerState shrinkFirst : new WorkerState[] {WorkerState.IDLE, WorkerState.STARTING, WorkerState.BUSY}) {
            for (Worker m : new ArrayList<>(pool.members)) {
                if (live <= want) {
                    return;
                }
                if (m.owner == pool && m.live() && m.state() == shrinkFirst) {
                    m.retireReason = "the pool was resized to " + want;
                    if (shrinkFirst != WorkerState.BUSY) {
                        retire(m, out);
                    }
                    live--;
                }
            }
        }
    }

    private void launch(Outbox out) {
        PoolConfig c = pool.config;
        PoolRuntime rt = pool.rt;
        String workerId = pool.poolId + "-w" + rt.workerIds().incrementAndGet();
        Worker w = new Worker(pool, workerId, c.workerSpec().adapter(), c.specialization());
        w.generation = pool.rollout.generation();
        w.process = new WorkerProcess(workerId, pool.poolId, rt.adapters().launchSpec(c.workerSpec()), c.specialization(), rt.runtimeDir(),
                c.resourceLimits().maxReplyBytes(), c.resourceLimits().maxLogLineBytes(), w, rt.answers(),
                c.launchMode() == LaunchMode.FORK ? pool.forks : WorkerStarter.SPAWN);
        pool.members.add(w);
        if (owed > 0) {
            owed--;
            pool.counters.restarts.incrementAndGet();
        }
        long delay = pool.restarts.launchDelayMillis();
        Duration startTimeout = c.workerSpec().startTimeout();
        out.add(() -> pool.launcher.launch(w, delay, startTimeout));
    }

    /** Ends a worker that holds no request: asked to shut down, killed if it has not within a grace period. */
    void retire(Worker w, Outbox out) {
        pool.dispatcher.removeIdle(w);
        w.moveTo(WorkerState.RETIRING);
        w.exitReason = w.retireReason == null ? "retired" : w.retireReason;
        LOG.log(System.Logger.Level.DEBUG, "retiring {0}: {1}", w, w.exitReason);
        WorkerProcess p = w.process;
        out.add(() -> {
            p.requestShutdown();
            pool.rt.scheduler().schedule(() -> {
                if (p.isAlive()) {
                    p.kill();
                }
            }, RETIRE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        });
    }
}
