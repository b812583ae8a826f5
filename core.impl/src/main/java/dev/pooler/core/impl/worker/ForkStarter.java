package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A pool's workers forked from a {@link ForkTemplate} ({@code launch.mode=fork}). One template per launch spec
 * (interpreter, adapter, environment): a launch with another spec (a reconfigure) gets a new template, and the
 * old one ends with its last worker. Falls back to spawning, and says so in the log, where forking is not safe
 * or not possible: not Linux (the workers' parent-death signal is what ties them to the template), a template
 * that cannot start (its adapter cannot be imported: the spawned worker then reports the error as before; or
 * the import started threads), or templates that died within {@link #EARLY_TEMPLATE_DEATH} of being ready
 * {@link #MAX_EARLY_DEATHS} times in a row.
 */
public final class ForkStarter implements WorkerStarter {

    private static final System.Logger LOG = System.getLogger(ForkStarter.class.getName());
    static final Duration EARLY_TEMPLATE_DEATH = Duration.ofSeconds(2);
    static final int MAX_EARLY_DEATHS = 3;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private final String poolId;
    /** Where templates are started and workers forked or spawned; see {@link #start}. */
    private final java.util.concurrent.ThreadPoolExecutor thread;
    /** Templates started and not yet ended. */
    private int live;
    private final Duration templateTimeout;
    /** Written under this object's monitor; read without it. */
    private volatile ForkTemplate current;
    /** Launch specs whose template could not serve, and why: they spawn. */
    private final Map<Object, String> refused = new HashMap<>();
    private boolean closed;
    /** Templates of the current spec that died within {@link #EARLY_TEMPLATE_DEATH} of being ready, in a row. */
    private int earlyDeaths;

    public ForkStarter(String poolId, Duration templateTimeout) {
        this.poolId = poolId;
        this.templateTimeout = templateTimeout;
        this.thread = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pooler-fork-" + poolId);
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Returns at once: the template (if one must start) and the fork, or the fallback spawn, happen on this
     * starter's own thread, so a template importing a heavy adapter never holds up the caller (the pools'
     * scheduler). That thread lives as long as a process it started may: a parent-death signal is tied to the
     * thread that started the process, so it ends only once the starter is closed and its templates have ended.
     */
    @Override
    public WorkerChannel start(WorkerLaunch launch) throws IOException {
        if (!LINUX) {
            return spawn(launch, "fork start needs Linux, this is " + System.getProperty("os.name"));
        }
        DeferredChannel d = new DeferredChannel();
        try {
            thread.execute(() -> {
                try {
                    d.become(startNow(launch));
                } catch (IOException e) {
                    d.fail(e);
                } catch (RuntimeException | Error e) {
                    d.fail(new IOException("the worker could not be started: " + e, e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("pool " + poolId + " is closed", e);
        }
        return d;
    }

    private synchronized WorkerChannel startNow(WorkerLaunch launch) throws IOException {
        Object key = launch.templateKey();
        String why = refused.get(key);
        if (why != null || closed) {
            return WorkerStarter.SPAWN.start(launch); // said once already
        }
        ForkTemplate t = template(launch, key);
        if (t == null) {
            return WorkerStarter.SPAWN.start(launch);
        }
        try {
            return t.fork(launch);
        } catch (IOException e) {
            return spawn(launch, e.getMessage());
        }
    }

    /** The template for {@code key}: the current one, or a new one (null when none can serve, logged). */
    private ForkTemplate template(WorkerLaunch launch, Object key) {
        ForkTemplate t = current;
        if (t != null && t.key.equals(key) && !t.isDead()) {
            return t;
        }
        if (t != null && t.key.equals(key)) {
            earlyDeaths = System.nanoTime() - t.readyAtNanos() < EARLY_TEMPLATE_DEATH.toNanos() ? earlyDeaths + 1 : 0;
            if (earlyDeaths >= MAX_EARLY_DEATHS) {
                refuse(key, "its fork template died " + earlyDeaths + " times in a row right after it started");
                current = null;
                return null;
            }
        }
        if (t != null) {
            t.retire(); // another spec (a reconfigure): it ends with its last worker
        }
        current = null;
        try {
            long t0 = System.nanoTime();
            live++; // ended (templateEnded) whether it starts or not
            t = ForkTemplate.start(launch, templateTimeout, this::templateEnded);
            LOG.log(System.Logger.Level.INFO, "pool {0} forks its workers from a template (pid {1}, adapter {2}, ready in {3} ms)",
                    poolId, String.valueOf(t.pid()), launch.spec().adapter(), (System.nanoTime() - t0) / 1_000_000);
            current = t;
            return t;
        } catch (IOException e) {
            refuse(key, "its fork template did not start: " + e.getMessage());
            return null;
        }
    }

    private void refuse(Object key, String why) {
        refused.put(key, why);
        LOG.log(System.Logger.Level.WARNING, "pool {0} spawns its workers instead of forking them: {1}", poolId, why);
    }

    private WorkerChannel spawn(WorkerLaunch launch, String why) throws IOException {
        LOG.log(System.Logger.Level.WARNING, "pool {0}: worker {1} is spawned instead of forked: {2}", poolId,
                launch.workerId(), why);
        return WorkerStarter.SPAWN.start(launch);
    }

    /** The pid of the current template, -1 when there is none (for tests and the bench). Never waits. */
    public long templatePid() {
        ForkTemplate t = current;
        return t == null || t.isDead() ? -1 : t.pid();
    }

    /** No more forks: the templates end with their last workers, then this starter's thread. */
    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.retire();
            current = null;
        }
        endThreadIfDone();
    }

    private synchronized void templateEnded() {
        live--;
        endThreadIfDone();
    }

    private void endThreadIfDone() {
        if (closed && live <= 0) {
            thread.shutdown(); // queued starts still run (and spawn: the pool is closed); then the thread ends
        }
    }
}
