package dev.pooler.core.impl.pool;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts worker processes on the scheduler, after the pool's backoff delay, outside the pool's lock.
 * Guards the two races of a launch: a pool that stopped (or no longer wants the worker) before the
 * process started gets no process; one that stopped while it started gets it killed at once, so no
 * orphan outlives its pool. A worker not ready within its start timeout is killed (its exit is a crash).
 *
 * <p>Processes must be started from the scheduler's long-lived threads: on Linux a worker asks for a
 * parent-death signal, which the kernel sends when the <em>thread</em> that forked it ends, not only
 * when the JVM does. A short-lived thread (a cached pool's, an HTTP request's) would kill its workers.
 * Forked workers ({@code launch.mode=fork}) are started on their pool's fork thread instead, which lives as
 * long as its templates (see {@code ForkStarter}): a template importing a heavy adapter never holds up this
 * scheduler.
 */
final class WorkerLauncher {

    private static final System.Logger LOG = System.getLogger(WorkerLauncher.class.getName());

    private final PythonPool pool;
    private final ScheduledExecutorService scheduler;

    WorkerLauncher(PythonPool pool, ScheduledExecutorService scheduler) {
        this.pool = pool;
        this.scheduler = scheduler;
    }

    void launch(Worker w, long delayMillis, Duration startTimeout) {
        scheduler.schedule(() -> start(w, startTimeout), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void start(Worker w, Duration startTimeout) {
        if (!pool.mayStart(w)) {
            return;
        }
        w.launchedAtNanos = System.nanoTime();
        w.process.start();
        if (!pool.stillWanted(w)) {
            w.process.kill(); // the pool stopped or failed while the process started
            return;
        }
        scheduler.schedule(() -> {
            if (!w.process.ready().isDone() && !w.process.hasExited()) {
                LOG.log(System.Logger.Level.WARNING, "worker {0} of pool {1} was not ready within {2} ms; killing it",
                        w.id, pool.id(), startTimeout.toMillis());
                w.process.kill();
            }
        }, startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
