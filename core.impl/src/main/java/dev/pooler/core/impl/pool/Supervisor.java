package dev.pooler.core.impl.pool;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A pool's periodic checks, every {@link #TICK_MS}: request deadlines (queued and running), workers'
 * memory and CPU (read from the OS about once a second, outside the pool's lock), and heartbeats — a
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
            pool.supervise(now, ticks % SAMPLE_EVERY_TICKS == 0, ticks % heartbeatTicks == 0);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "pool " + pool.id() + " supervision failed", e);
        }
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
