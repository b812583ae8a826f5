package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.worker.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of Python worker processes: a bounded priority queue in front of N workers, each running one
 * request at a time. Supervises its workers: per-request timeouts, crash replacement with backoff and a
 * restart-intensity limit, memory and request-count recycling, heartbeats, live resizing, graceful stop.
 */
public final class PythonPool implements Pool {

    private static final System.Logger LOG = System.getLogger(PythonPool.class.getName());
    private static final long TICK_MS = 50;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final long PING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long PONG_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String poolId;
    private final Path runtimeDir;
    private final ScheduledExecutorService scheduler;
    private final EventSink events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong wireIds = new AtomicLong();
    private final AtomicLong workerSeq = new AtomicLong();
    private final LatencyWindow latencies = new LatencyWindow();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong sampleTicks = new AtomicLong();

    // Guarded by lock.
    private volatile PoolConfig config;
    private volatile PoolState state = PoolState.STARTING;
    private final List<WorkerSlot> slots = new ArrayList<>();
    private final ArrayDeque<WorkerSlot> idle = new ArrayDeque<>();
    private final PoolQueue queue = new PoolQueue();
    private final RestartIntensity intensity;
    private int consecutiveCrashes;
    private String failure;
    private long ticks;
    private ScheduledFuture<?> watchdog;

    public PythonPool(PoolConfig config, Path runtimeDir, ScheduledExecutorService scheduler, EventSink events) {
        this.config = config;
        this.poolId = config.poolId();
        this.runtimeDir = runtimeDir;
        this.scheduler = scheduler;
        this.events = events;
        this.intensity = new RestartIntensity(config.resourceLimits().maxRestarts(),
                config.resourceLimits().restartWindow().toNanos());
    }

    /** Launches all workers concurrently and starts supervising. Returns at once. */
    public void start() {
        lock.lock();
        try {
            ensureSizeLocked(false);
        } finally {
            lock.unlock();
        }
        watchdog = scheduler.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "pool {0} starting {1} workers ({2})", poolId, config.size(), config);
    }

    /** Waits until every worker is ready (or the timeout passes); returns whether all are. For tests and tools. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (readyCountLocked() < config.size() || state == PoolState.STARTING) {
                if (state == PoolState.FAILED || state == PoolState.STOPPED) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String id() {
        return poolId;
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolState state() {
        return state;
    }

    @Override
    public CompletionStage<Response> execute(Request request) {
        long timeout = (request.timeout() != null ? request.timeout() : config.resourceLimits().requestTimeout()).toNanos();
        PendingRequest p = new PendingRequest(request, timeout);
        WorkerSlot slot = null;
        PoolerException refusal = null;
        lock.lock();
        try {
            PoolState s = state;
            if (s == PoolState.STOPPING || s == PoolState.STOPPED) {
                refusal = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " is stopping", poolId);
            } else if (s == PoolState.FAILED) {
                refusal = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " has failed: " + failure, poolId);
            } else if (queue.isEmpty() && (slot = idle.pollFirst()) != null) {
                assignLocked(slot, p);
            } else if (queue.size() >= config.resourceLimits().maxQueue()) {
                refusal = new PoolerException(ErrorKind.POOL_OVERLOADED, "pool " + poolId + " is overloaded: "
                        + queue.size() + " requests queued (max_queue " + config.resourceLimits().maxQueue() + ")", poolId);
            } else {
                queue.add(p);
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            failed.incrementAndGet();
            p.fail(refusal);
        } else if (slot != null) {
            send(slot, p);
        }
        return p.future;
    }

    private void assignLocked(WorkerSlot slot, PendingRequest p) {
        slot.current = p;
        slot.state = WorkerState.BUSY;
        p.wireId = wireIds.incrementAndGet();
        p.sentNanos = System.nanoTime();
    }

    private void send(WorkerSlot slot, PendingRequest p) {
        // A failed write means the process is dying; its exit fails or retries the request.
        slot.process.sendRequest(p.wireId, p.request.command(), p.request.args(), p.request.sessionId());
    }

    void onReady(WorkerSlot slot) {
        PendingRequest next = null;
        boolean nowRunning = false;
        lock.lock();
        try {
            if (slot.state != WorkerState.STARTING) {
                return;
            }
            slot.state = WorkerState.IDLE;
            next = takeNextLocked(slot);
            if (state == PoolState.STARTING && readyCountLocked() >= config.size()) {
                state = PoolState.RUNNING;
                nowRunning = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (next != null) {
            send(slot, next);
        }
        events.post(PoolerEvents.WORKER_STARTED, Map.of(PoolerEvents.POOL_ID, poolId,
                PoolerEvents.WORKER_ID, slot.process.id(), PoolerEvents.PID, slot.process.pid()));
        if (nowRunning) {
            LOG.log(System.Logger.Level.INFO, "pool {0} is running with {1} workers", poolId, config.size());
        }
    }

    /** Gives an idle worker its next request, or parks it. Returns the request to send, if any. */
    private PendingRequest takeNextLocked(WorkerSlot slot) {
        if (slot.retiring()) {
            retireNowLocked(slot);
            return null;
        }
        PendingRequest next = queue.poll();
        if (next != null) {
            assignLocked(slot, next);
            return next;
        }
        slot.state = WorkerState.IDLE;
        idle.addFirst(slot); // LIFO keeps a warm worker warm
        return null;
    }

    void onResult(WorkerSlot slot, long id, JsonElement result) {
        long now = System.nanoTime();
        PendingRequest done = release(slot, id);
        if (done != null) {
            succeed(slot, done, result, now);
        }
    }

    void onReply(WorkerSlot slot, long id, JsonObject frame) {
        long now = System.nanoTime();
        PendingRequest done = release(slot, id);
        if (done == null) {
            return;
        }
        JsonElement ok = frame.get("ok");
        if (ok != null && ok.isJsonPrimitive() && ok.getAsBoolean()) {
            JsonElement result = frame.get("result");
            succeed(slot, done, result == null ? JsonNull.INSTANCE : result, now);
        } else {
            fail(done, frame.get("error"), now);
        }
    }

    /**
     * The worker answered request {@code id}: frees the worker (it takes the next queued request, or
     * retires, or idles) and returns the answered request, or {@code null} for a late answer to a
     * request that already timed out.
     */
    private PendingRequest release(WorkerSlot slot, long id) {
        PendingRequest done;
        PendingRequest next = null;
        lock.lock();
        try {
            done = slot.current;
            if (done == null || done.wireId != id) {
                return null;
            }
            slot.current = null;
            slot.served++;
            consecutiveCrashes = 0;
            long maxRequests = config.resourceLimits().maxRequestsPerWorker();
            if (maxRequests > 0 && slot.served >= maxRequests && !slot.retiring()) {
                slot.retireReason = "served its maximum of " + maxRequests + " requests";
            }
            if (state == PoolState.RUNNING || state == PoolState.STARTING || state == PoolState.STOPPING) {
                next = takeNextLocked(slot);
            } else {
                slot.state = WorkerState.IDLE;
                idle.addFirst(slot);
            }
            if (state == PoolState.STOPPING) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            send(slot, next);
        }
        return done;
    }

    private void succeed(WorkerSlot slot, PendingRequest p, JsonElement result, long now) {
        long queued = p.sentNanos - p.enqueuedNanos;
        long service = now - p.sentNanos;
        latencies.record(queued + service, service);
        completed.incrementAndGet();
        p.succeed(new Response(poolId, slot.process.id(), result, queued, service));
    }

    private void fail(PendingRequest p, JsonElement err, long now) {
        String type = "WORKER_ERROR";
        String message = "the worker reported an error";
        if (err != null && err.isJsonObject()) {
            JsonObject e = err.getAsJsonObject();
            if (e.has("type") && e.get("type").isJsonPrimitive()) {
                type = e.get("type").getAsString();
            }
            if (e.has("message") && e.get("message").isJsonPrimitive()) {
                message = e.get("message").getAsString();
            }
        }
        ErrorKind kind = "BAD_REQUEST".equals(type) ? ErrorKind.BAD_REQUEST : ErrorKind.WORKER_ERROR;
        long service = now - p.sentNanos;
        latencies.record(p.sentNanos - p.enqueuedNanos + service, service);
        failed.incrementAndGet();
        p.fail(new PoolerException(kind, message, poolId));
    }

    void onExit(WorkerSlot slot, int exitCode, String reason) {
        PendingRequest lost;
        boolean crash;
        boolean tripped = false;
        PendingRequest retryNow = null;
        WorkerSlot retrySlot = null;
        List<PendingRequest> refused = List.of();
        String failedBecause = null;
        List<WorkerSlot> toKill = List.of();
        lock.lock();
        try {
            slots.remove(slot);
            idle.remove(slot);
            slot.state = WorkerState.DEAD;
            lost = slot.current;
            slot.current = null;
            crash = slot.expectedExit == null;
            if (crash && state != PoolState.STOPPING && state != PoolState.STOPPED) {
                crashes.incrementAndGet();
                consecutiveCrashes++;
                tripped = intensity.record(System.nanoTime());
            }
            if (lost != null && !lost.isAnswered() && lost.request.retryable() && !lost.retried
                    && (state == PoolState.RUNNING || state == PoolState.STARTING)) {
                lost.retried = true;
                if ((retrySlot = idle.pollFirst()) != null) {
                    assignLocked(retrySlot, lost);
                    retryNow = lost;
                } else {
                    queue.addFirst(lost);
                }
                lost = null;
            }
            if (tripped) {
                state = PoolState.FAILED;
                failure = "more than " + config.resourceLimits().maxRestarts() + " worker restarts within "
                        + config.resourceLimits().restartWindow().toSeconds() + " s (last: worker " + slot.process.id()
                        + " " + reason + ")";
                failedBecause = failure;
                refused = queue.drain();
                // Taken under the lock: a reconfigure right after must not lose its fresh workers.
                toKill = new ArrayList<>(slots);
                for (WorkerSlot s : toKill) {
                    s.expectedExit = "the pool failed";
                    s.replaceOnExit = false;
                }
            } else if (slot.replaceOnExit && (state == PoolState.RUNNING || state == PoolState.STARTING)) {
                ensureSizeLocked(true);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (retryNow != null) {
            send(retrySlot, retryNow);
        }
        if (lost != null) {
            failed.incrementAndGet();
            lost.fail(new PoolerException(ErrorKind.WORKER_CRASHED, "worker " + slot.process.id() + " (pid "
                    + slot.process.pid() + ") of pool " + poolId + " died while running '" + lost.request.command()
                    + "': " + reason + ", exit code " + exitCode, poolId));
        }
        if (crash && state != PoolState.STOPPED) {
            LOG.log(System.Logger.Level.WARNING, "worker {0} (pid {1}) of pool {2} died: {3}, exit code {4}",
                    slot.process.id(), slot.process.pid(), poolId, reason, exitCode);
            events.post(PoolerEvents.WORKER_CRASHED, Map.of(PoolerEvents.POOL_ID, poolId,
                    PoolerEvents.WORKER_ID, slot.process.id(), PoolerEvents.PID, slot.process.pid(),
                    PoolerEvents.EXIT_CODE, exitCode, PoolerEvents.REASON, reason));
        }
        if (tripped) {
            LOG.log(System.Logger.Level.ERROR, "pool {0} FAILED: {1}; it refuses work until its configuration is updated",
                    poolId, failedBecause);
            events.post(PoolerEvents.POOL_FAILED, Map.of(PoolerEvents.POOL_ID, poolId, PoolerEvents.REASON, failedBecause));
            PoolerException e = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " has failed: " + failedBecause, poolId);
            for (PendingRequest p : refused) {
                failed.incrementAndGet();
                p.fail(e);
            }
            toKill.forEach(s -> s.process.kill());
        }
    }

    /** Starts or retires workers until the live count matches the configured size. Lock held. */
    private void ensureSizeLocked(boolean replacing) {
        int live = 0;
        for (WorkerSlot s : slots) {
            if (!s.retiring()) {
                live++;
            }
        }
        int want = config.size();
        while (live < want) {
            launchLocked(replacing);
            live++;
        }
        if (live > want) {
            // Shrink: idle workers first, then busy ones after their current request.
            for (WorkerSlot s : new ArrayList<>(idle)) {
                if (live <= want) {
                    break;
                }
                s.retireReason = "the pool was resized to " + want;
                s.replaceOnExit = false;
                retireNowLocked(s);
                live--;
            }
            for (WorkerSlot s : slots) {
                if (live <= want) {
                    break;
                }
                if (!s.retiring()) {
                    s.retireReason = "the pool was resized to " + want;
                    s.replaceOnExit = false;
                    if (s.state == WorkerState.STARTING) {
                        retireNowLocked(s);
                    }
                    live--;
                }
            }
        }
    }

    /** Adds a worker; its process starts on the scheduler, outside the lock. {@code replacing}: it replaces one that left. */
    private void launchLocked(boolean replacing) {
        WorkerSlot slot = new WorkerSlot(this);
        String workerId = poolId + "-w" + workerSeq.incrementAndGet();
        slot.process = new WorkerProcess(workerId, poolId, config.workerSpec(), config.specialization(), runtimeDir, slot);
        slots.add(slot);
        long delayMs = consecutiveCrashes == 0 ? 0 : Math.min(MAX_BACKOFF_MS, 50L << Math.min(16, consecutiveCrashes - 1));
        if (replacing) {
            restarts.incrementAndGet();
        }
        Duration startTimeout = config.workerSpec().startTimeout();
        Runnable launch = () -> {
            lock.lock();
            try {
                if (slot.expectedExit != null || state == PoolState.FAILED || state == PoolState.STOPPING
                        || state == PoolState.STOPPED) {
                    slots.remove(slot); // the pool no longer wants this worker
                    changed.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            slot.process.start();
            scheduler.schedule(() -> {
                if (!slot.process.ready().isDone()) {
                    LOG.log(System.Logger.Level.WARNING, "worker {0} of pool {1} was not ready within {2} ms; killing it",
                            workerId, poolId, startTimeout.toMillis());
                    slot.process.kill();
                }
            }, startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        };
        scheduler.schedule(launch, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Ends an idle or starting worker now. Lock held. */
    private void retireNowLocked(WorkerSlot slot) {
        idle.remove(slot);
        slot.state = WorkerState.RECYCLING;
        slot.expectedExit = slot.retireReason;
        LOG.log(System.Logger.Level.DEBUG, "retiring worker {0}: {1}", slot.process.id(), slot.retireReason);
        slot.process.requestShutdown();
        WorkerProcess p = slot.process;
        scheduler.schedule(() -> {
            if (p.isAlive()) {
                p.kill();
            }
        }, 2, TimeUnit.SECONDS);
        if (slot.replaceOnExit && (state == PoolState.RUNNING || state == PoolState.STARTING)) {
            // The replacement starts now, so the pool stays at full size while the old worker exits.
            slot.replaceOnExit = false;
            launchLocked(true);
        }
    }

    private void tick() {
        try {
            supervise();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "pool " + poolId + " supervision failed", e);
        }
    }

    private void supervise() {
        long now = System.nanoTime();
        boolean sampleMemory;
        List<PendingRequest> timedOut = new ArrayList<>();
        List<WorkerSlot> toKill = new ArrayList<>();
        List<WorkerSlot> toPing = new ArrayList<>();
        sampleMemory = sampleTicks.incrementAndGet() % 20 == 0;
        if (sampleMemory) {
            // Reading /proc takes a few file reads per worker: done before taking the pool's lock.
            List<WorkerSlot> sample;
            lock.lock();
            try {
                sample = new ArrayList<>(slots);
            } finally {
                lock.unlock();
            }
            for (WorkerSlot s : sample) {
                if (s.process.pid() > 0 && !s.process.hasExited()) {
                    s.sampleResources(now);
                }
            }
        }
        lock.lock();
        try {
            ticks++;
            long maxRssKb = config.resourceLimits().maxMemoryMb() * 1024;
            for (WorkerSlot s : new ArrayList<>(slots)) {
                PendingRequest p = s.current;
                if (p != null && now - p.sentNanos > p.timeoutNanos) {
                    s.current = null;
                    s.expectedExit = "its request timed out";
                    timeouts.incrementAndGet();
                    timedOut.add(p);
                    toKill.add(s);
                    continue;
                }
                if (sampleMemory && s.state != WorkerState.STARTING && s.state != WorkerState.DEAD) {
                    long rss = s.rssKb;
                    if (maxRssKb > 0 && rss > maxRssKb && !s.retiring()) {
                        s.retireReason = "its memory (" + rss / 1024 + " MB) passed max_memory_mb " + maxRssKb / 1024;
                        LOG.log(System.Logger.Level.INFO, "worker {0} of pool {1} will be recycled: {2}", s.process.id(), poolId, s.retireReason);
                        if (s.state == WorkerState.IDLE) {
                            retireNowLocked(s);
                        }
                    }
                }
                if (s.state == WorkerState.IDLE && ticks % (PING_EVERY_NANOS / TimeUnit.MILLISECONDS.toNanos(TICK_MS)) == 0) {
                    if (s.process.unansweredPingNanos() > PONG_GRACE_NANOS) {
                        s.expectedExit = null; // a hung idle worker counts as a crash
                        toKill.add(s);
                    } else {
                        toPing.add(s);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (WorkerSlot s : toKill) {
            s.process.kill();
        }
        for (PendingRequest p : timedOut) {
            failed.incrementAndGet();
            p.fail(new PoolerException(ErrorKind.TIMEOUT, "'" + p.request.command() + "' ran longer than "
                    + TimeUnit.NANOSECONDS.toMillis(p.timeoutNanos) + " ms in pool " + poolId
                    + "; its worker was killed and is being replaced", poolId));
        }
        for (WorkerSlot s : toPing) {
            s.process.ping();
        }
    }

    /**
     * Applies a new configuration live: size, limits, priority, capabilities and the rest at once;
     * a changed launch spec or specialization relaunches the workers one by one as they finish.
     * A failed pool starts afresh.
     */
    public void reconfigure(PoolConfig next) {
        if (!next.poolId().equals(poolId)) {
            throw new IllegalArgumentException("a pool's id cannot change (" + poolId + " -> " + next.poolId() + ")");
        }
        lock.lock();
        try {
            PoolConfig previous = config;
            config = next;
            intensity.reconfigure(next.resourceLimits().maxRestarts(), next.resourceLimits().restartWindow().toNanos());
            if (state == PoolState.FAILED) {
                intensity.reset();
                consecutiveCrashes = 0;
                failure = null;
                state = PoolState.STARTING;
            }
            if (previous.needsRelaunch(next)) {
                for (WorkerSlot s : new ArrayList<>(slots)) {
                    if (!s.retiring()) {
                        s.retireReason = "the pool's worker launch settings changed";
                        s.replaceOnExit = false;
                        if (s.state == WorkerState.IDLE || s.state == WorkerState.STARTING) {
                            retireNowLocked(s);
                        }
                    }
                }
            }
            if (state == PoolState.RUNNING || state == PoolState.STARTING) {
                ensureSizeLocked(previous.needsRelaunch(next));
                state = readyCountLocked() < next.size() ? PoolState.STARTING : PoolState.RUNNING;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, "pool {0} reconfigured: {1}", poolId, next);
    }

    /**
     * Stops the pool: refuses new work, lets queued and running requests finish within {@code drain},
     * asks every worker to shut down, then kills what is left. Whatever is still unanswered gets
     * {@code SHUTTING_DOWN}.
     */
    public void stop(Duration drain) {
        List<PendingRequest> leftovers = new ArrayList<>();
        lock.lock();
        try {
            if (state == PoolState.STOPPED) {
                return;
            }
            state = PoolState.STOPPING;
            long deadline = System.nanoTime() + drain.toNanos();
            while ((!queue.isEmpty() || busyCountLocked() > 0) && !slots.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            leftovers.addAll(queue.drain());
            for (WorkerSlot s : slots) {
                if (s.current != null) {
                    leftovers.add(s.current);
                    s.current = null;
                }
                s.expectedExit = "the pool stopped";
                s.replaceOnExit = false;
            }
            state = PoolState.STOPPED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        PoolerException e = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " stopped", poolId);
        for (PendingRequest p : leftovers) {
            failed.incrementAndGet();
            p.fail(e);
        }
        List<WorkerSlot> all;
        lock.lock();
        try {
            all = new ArrayList<>(slots);
        } finally {
            lock.unlock();
        }
        for (WorkerSlot s : all) {
            s.process.requestShutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (WorkerSlot s : all) {
            while (s.process.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (s.process.isAlive()) {
                s.process.kill();
            }
        }
        LOG.log(System.Logger.Level.INFO, "pool {0} stopped", poolId);
    }

    /** Workers that serve and will go on serving (retiring ones are on their way out). */
    private int readyCountLocked() {
        int n = 0;
        for (WorkerSlot s : slots) {
            if ((s.state == WorkerState.IDLE || s.state == WorkerState.BUSY) && !s.retiring()) {
                n++;
            }
        }
        return n;
    }

    private int busyCountLocked() {
        int n = 0;
        for (WorkerSlot s : slots) {
            if (s.current != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public PoolStats stats() {
        int workers;
        int busy;
        int idleCount;
        int queued;
        PoolState s;
        lock.lock();
        try {
            workers = readyCountLocked();
            busy = busyCountLocked();
            idleCount = idle.size();
            queued = queue.size();
            s = state;
        } finally {
            lock.unlock();
        }
        double[] l = latencies.summary();
        return new PoolStats(poolId, s, workers, busy, idleCount, queued, 0, 0, completed.get(), failed.get(),
                timeouts.get(), crashes.get(), restarts.get(), l[0], l[1], l[2], l[3]);
    }

    @Override
    public List<WorkerInfo> workers() {
        lock.lock();
        try {
            List<WorkerInfo> out = new ArrayList<>(slots.size());
            for (WorkerSlot s : slots) {
                out.add(s.info(poolId));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The process ids of the live workers, for tests and tools. */
    public List<Long> pids() {
        return workers().stream().map(WorkerInfo::pid).filter(p -> p > 0).toList();
    }

    /** Why the pool failed, or {@code null}. */
    public String failure() {
        return failure;
    }

    @Override
    public String toString() {
        return "pool " + poolId;
    }
}
