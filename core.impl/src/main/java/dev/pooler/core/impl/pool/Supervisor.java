package dev.pooler.core.impl.pool;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pool's periodic checks, every {@link #TICK_MS}: request deadlines (queued and running: a late one
 * gets {@code TIMEOUT} and a running one's worker is killed), workers' memory (recycled past
 * {@code max_memory_mb}) and CPU (read from the OS about once a second, outside the pool's lock), and heartbeats — a
 * ping to each idle worker whose last ping was answered, so an idle worker that hangs is found within
 * two heartbeat intervals and pings never pile up in its pipe.
 */
final class Supervisor {

    static final long TICK_MS = 50;
    private static final int SAMPLE_EVERY_TICKS = 20;

    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());

    private final PythonPool pool;
    private final ScheduledExecutorService scheduler;
    private final long heartbeatTicks;
    private long ticks;
    private ScheduledFuture<?> task;

    Supervisor(PythonPool pool, ScheduledExecutorService scheduler, long heartbeatMillis) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.heartbeatTicks = Math.max(1, heartbeatMillis / TICK_MS);
    }

    void start() {
        task = scheduler.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void tick() {
        try {
            ticks++;
            long now = System.nanoTime();
            if (ticks % SAMPLE_EVERY_TICKS == 0) {
                sample(now);
            }
            check(now, ticks % SAMPLE_EVERY_TICKS == 0, ticks % heartbeatTicks == 0);
            pool.pipelinedAnswers.rescue(now, TimeUnit.MILLISECONDS.toNanos(TICK_MS));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "pool " + pool.id() + " supervision failed", e);
        }
    }

    /** One round of checks under the pool's lock; kills, answers and pings after it. */
    private void check(long now, boolean sampled, boolean heartbeat) {
        Outbox out = new Outbox();
        List<PendingRequest> expired;
        List<PendingRequest> timedOut = new ArrayList<>();
        List<Worker> toKill = new ArrayList<>();
        List<Worker> toPing = new ArrayList<>();
        List<PendingRequest> lateInPipe = null;
        List<Runnable> skips = null;
        PoolRuntime rt = pool.rt;
        long heartbeatNanos = rt.heartbeat().toNanos();
        PoolConfig config = pool.config;
        pool.lock.lock();
        try {
            expired = pool.dispatcher.expired(now);
            long maxRssKb = config.resourceLimits().maxMemoryMb() * 1024;
            for (Worker m : new ArrayList<>(pool.members)) {
                PendingRequest p = m.current;
                if (p != null && now - p.deadlineNanos >= 0) {
                    m.current = null;
                    m.exitReason = "its request timed out";
                    timedOut.add(p);
                    toKill.add(m); // the requests behind it in its pipe go back to the queue when it has died
                    continue;
                }
                if (m.behind() > 0) {
                    // behind a head that is still within its time: a request whose own deadline passed is answered
                    // TIMEOUT and skipped by the worker (a cancel frame); nobody else is blamed, nothing is killed
                    for (PendingRequest late : m.pipe.removeExpired(now)) {
                        if (lateInPipe == null) {
                            lateInPipe = new ArrayList<>();
                            skips = new ArrayList<>();
                        }
                        lateInPipe.add(late);
                        long wire = late.wireId;
                        skips.add(() -> m.process.sendCancel(wire));
                    }
                }
                if (sampled && maxRssKb > 0 && m.rssKb > maxRssKb && m.live() && m.owner == pool
                        && m.state() != WorkerState.STARTING) {
                    m.retireReason = "its memory (" + m.rssKb / 1024 + " MB) passed max_memory_mb " + maxRssKb / 1024;
                    LOG.log(System.Logger.Level.INFO, "{0} of pool {1} will be recycled: {2}", m, pool.poolId, m.retireReason);
                    if (m.state() == WorkerState.IDLE) {
                        pool.sizing.retire(m, out);
                    }
                    pool.sizing.ensureSize(out); // its replacement starts now
                }
                if (heartbeat && m.state() == WorkerState.IDLE) {
                    if (m.process.unansweredPingNanos() >= heartbeatNanos / 2) {
                        LOG.log(System.Logger.Level.WARNING, "{0} of pool {1} did not answer a ping within {2} ms; killing it",
                                m, pool.poolId, TimeUnit.NANOSECONDS.toMillis(m.process.unansweredPingNanos()));
                        toKill.add(m); // a hung idle worker counts as a crash
                    } else {
                        toPing.add(m);
                    }
                }
            }
            if (pool.state == PoolState.RUNNING && now - pool.runningSinceNanos > config.resourceLimits().restartWindow().toNanos()) {
                pool.restarts.recoveredForGood();
            }
        } finally {
            pool.lock.unlock();
        }
        out.run();
        toKill.forEach(m -> m.process.kill());
        String poolId = pool.poolId;
        for (PendingRequest p : expired) {
            p.fail(new PoolerException(ErrorKind.TIMEOUT, "'" + p.request.command() + "' waited in the queue of pool " + poolId
                    + " longer than its timeout of " + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms", poolId, null, false), now);
        }
        for (PendingRequest p : timedOut) {
            p.fail(new PoolerException(ErrorKind.TIMEOUT, "'" + p.request.command() + "' ran longer than its timeout of "
                    + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms in pool " + poolId
                    + "; its worker was killed and is being replaced", poolId), now);
        }
        if (lateInPipe != null) {
            skips.forEach(Runnable::run);
            for (PendingRequest p : lateInPipe) {
                p.fail(new PoolerException(ErrorKind.TIMEOUT, "'" + p.request.command() + "' waited in a worker's pipe of pool "
                        + poolId + ", behind a slower request, longer than its timeout of "
                        + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms", poolId), now);
            }
        }
        Duration pingDeadline = rt.heartbeat().multipliedBy(4);
        toPing.forEach(m -> m.process.ping(pingDeadline, rt.scheduler()));
    }

    /** Reading /proc takes a few file reads per worker: done before taking the pool's lock. */
    private void sample(long now) {
        List<Worker> members = pool.membersSnapshot();
        for (Worker w : members) {
            if (w.process.pid() > 0 && !w.process.hasExited()) {
                w.sampleResources(now);
            }
        }
    }
}
