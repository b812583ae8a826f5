package dev.pooler.core.impl.pool;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerState;
import dev.pooler.api.events.PoolerEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a pool comes back by itself: when its restart policy sees a crash loop the pool is FAILED (its
 * queue refused, its workers ended), then after the policy's delay it probes with one worker
 * (RECOVERING, half-open); once that worker has stayed up {@link RestartPolicy#EARLY_DEATH_NANOS} the
 * pool returns to full size (STARTING, then RUNNING), and if it dies early the pool fails again and
 * waits longer. Each transition is logged and posted as an event. Methods ending in a lock-held call
 * run under the pool's lock; the timers take it themselves.
 */
final class PoolRecovery {

    private static final System.Logger LOG = System.getLogger(PoolRecovery.class.getName());

    private final PythonPool pool;
    // Guarded by the pool's lock.
    private String failure;
    private long probeAtNanos;
    private ScheduledFuture<?> probe;

    PoolRecovery(PythonPool pool) {
        this.pool = pool;
    }

    /** Why the pool failed last, or null. */
    String failure() {
        return failure;
    }

    long millisToProbe() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(probeAtNanos - System.nanoTime()));
    }

    /** A new configuration or a stop: no probe is due any more, and the last failure is forgotten. Lock held. */
    void cancel() {
        if (probe != null) {
            probe.cancel(false);
        }
        failure = null;
    }

    /** A worker became ready (lock held): a starting pool may now run; a probe must first stay up. */
    void afterReady(Worker w, Outbox out) {
        if (pool.state == PoolState.RECOVERING) {
            out.add(() -> pool.rt.scheduler().schedule(() -> probeSurvived(w),
                    TimeUnit.NANOSECONDS.toMillis(RestartPolicy.EARLY_DEATH_NANOS), TimeUnit.MILLISECONDS));
        } else if (pool.state == PoolState.STARTING && pool.servingOwnLocked() >= pool.config.size()) {
            pool.moveTo(PoolState.RUNNING);
            pool.runningSinceNanos = System.nanoTime();
            LOG.log(System.Logger.Level.INFO, "pool {0} is running with {1} workers", pool.poolId, pool.config.size());
        }
    }

    /** The pool gives up for a while (lock held): refuses its queue, ends its workers, and schedules its probe. */
    void fail(String why, Outbox out) {
        pool.moveTo(PoolState.FAILED);
        failure = why;
        long delay = pool.restarts.recoveryDelayMillis();
        probeAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        List<PendingRequest> refused = pool.dispatcher.drain();
        List<Worker> ending = new ArrayList<>(pool.members);
        for (Worker m : ending) {
            m.exitReason = "the pool failed";
        }
        probe = pool.rt.scheduler().schedule(this::probe, delay, TimeUnit.MILLISECONDS);
        String poolId = pool.poolId;
        PoolerException e = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " has failed: " + why, poolId);
        out.add(() -> {
            LOG.log(System.Logger.Level.ERROR, "pool {0} FAILED: {1}; it probes again in {2} ms", poolId, why, delay);
            pool.rt.events().post(PoolerEvents.POOL_FAILED, Map.of(PoolerEvents.POOL_ID, poolId, PoolerEvents.REASON, why,
                    PoolerEvents.RETRY_IN_MS, delay));
            long now = System.nanoTime();
            refused.forEach(p -> p.fail(e, now));
            ending.forEach(m -> m.process.kill());
        });
    }

    /** Half-open: a failed pool starts one probe worker. */
    private void probe() {
        Outbox out = new Outbox();
        boolean probing = false;
        pool.lock.lock();
        try {
            if (pool.state == PoolState.FAILED) {
                pool.moveTo(PoolState.RECOVERING);
                pool.restarts.reset();
                pool.sizing.ensureSize(out);
                probing = true;
                pool.changed.signalAll();
            }
        } finally {
            pool.lock.unlock();
        }
        out.run();
        if (probing) {
            LOG.log(System.Logger.Level.INFO, "pool {0} is recovering: starting a probe worker", pool.poolId);
            pool.rt.events().post(PoolerEvents.POOL_RECOVERING, Map.of(PoolerEvents.POOL_ID, pool.poolId));
        }
    }

    /** The probe stayed up: the pool returns to full size. */
    private void probeSurvived(Worker probeWorker) {
        Outbox out = new Outbox();
        boolean recovered = false;
        pool.lock.lock();
        try {
            if (pool.state == PoolState.RECOVERING && probeWorker.state() != WorkerState.DEAD) {
                pool.moveTo(PoolState.STARTING);
                pool.restarts.reset();
                pool.sizing.ensureSize(out);
                if (pool.servingOwnLocked() >= pool.config.size()) {
                    pool.moveTo(PoolState.RUNNING);
                    pool.runningSinceNanos = System.nanoTime();
                }
                recovered = true;
                failure = null;
                pool.changed.signalAll();
            }
        } finally {
            pool.lock.unlock();
        }
        out.run();
        if (recovered) {
            LOG.log(System.Logger.Level.INFO, "pool {0} recovered: its probe worker is healthy; back to {1} workers",
                    pool.poolId, pool.config.size());
            pool.rt.events().post(PoolerEvents.POOL_RECOVERED, Map.of(PoolerEvents.POOL_ID, pool.poolId));
        }
    }
}
