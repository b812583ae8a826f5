package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.session.SessionAvailability;
import dev.pooler.api.session.SessionState;
import dev.pooler.core.impl.adapters.BundledAdapter;
import dev.pooler.core.impl.adapters.BundledAdapters;
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.core.impl.histogram.HistogramSource;
import dev.pooler.core.impl.worker.ForkStarter;
import dev.pooler.core.impl.worker.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A pool of Python worker processes: the {@link Pool} a caller sees, and the host of the workers that
 * serve it. Its jobs are handed to one class each:
 * <ul>
 * <li>{@link Dispatcher} — admission (the bounded priority queue) and dispatch to idle workers;</li>
 * <li>{@link Worker} — one worker's lifecycle (its state machine, owner and serving pool);</li>
 * <li>{@link RestartPolicy} — crash loop vs. killed workers, backoff;</li>
 * <li>{@link PoolRecovery} — FAILED, the half-open probe, back to full size;</li>
 * <li>{@link WorkerLauncher} — starting processes outside the lock, without orphans;</li>
 * <li>{@link Sizing} — the one sizing rule: launches and retirements;</li>
 * <li>{@link Supervisor} — deadlines, heartbeats, memory;</li>
 * <li>{@link Transit} — a worker between pools ({@link WorkerExchange}).</li>
 * </ul>
 * This class holds the lock that guards them (their state is package-private and only touched under
 * it), the pool's own state machine, and turns what workers say into answers. Under the lock it only decides; pipe writes, kills, answers
 * and events run after it is released ({@link Outbox}).
 */
public final class PythonPool implements Pool, WorkerHost, HistogramSource {

    private static final System.Logger LOG = System.getLogger(PythonPool.class.getName());

    final String poolId;
    final PoolRuntime rt;
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    final PoolCounters counters;
    final Dispatcher dispatcher = new Dispatcher();
    final RestartPolicy restarts;
    final WorkerLauncher launcher;
    /** Forks the workers of {@code launch.mode=fork} from the pool's template. */
    final ForkStarter forks;
    final Sizing sizing = new Sizing(this);
    final Rollout rollout = new Rollout(this);
    /** The commands its workers offer, as the last own worker that came up said; empty while unknown. */
    private volatile Set<String> commands = Set.of();
    /** The bundled adapter this pool names that is missing (its workers cannot start), or null. */
    volatile BundledAdapter missingAdapter;
    private final Supervisor supervisor;

    volatile PoolConfig config;
    volatile PoolState state = PoolState.STARTING;
    // Guarded by lock.
    /** Workers serving this pool now: its own (at home) and borrowed ones, in any state but in transit. */
    final List<Worker> members = new ArrayList<>();
    /** Own workers serving another pool or in transit. */
    final Set<Worker> lentOut = new LinkedHashSet<>();
    /** Graceful departures waiting for their worker's request to finish. */
    private final Map<Worker, Departure> departures = new HashMap<>();
    long runningSinceNanos;
    final PoolRecovery recovery = new PoolRecovery(this);
    /** Sessions whose data is in this pool (what the manual sync rule asks). */
    private final SessionsInPool sessionsHere;

    private record Departure(CompletableFuture<Transit> done) {
    }

    /** Whether a new request may go behind a worker's head ({@code pipeline.depth} &gt; 1); lock held. */
    private final Predicate<Worker> pipelineFit = this::mayPipelineTo;
    /** The answer executor of pipelinable requests when the pool pipelines. */
    final AnswerBatches pipelinedAnswers;

    public PythonPool(PoolConfig config, PoolRuntime runtime) {
        this.config = config;
        this.poolId = config.poolId();
        this.rt = runtime;
        this.counters = new PoolCounters(poolId);
        this.restarts = new RestartPolicy(config.resourceLimits().maxRestarts(), config.resourceLimits().restartWindow().toNanos());
        this.launcher = new WorkerLauncher(this, runtime.scheduler());
        this.forks = new ForkStarter(poolId, config.workerSpec().startTimeout());
        this.supervisor = new Supervisor(this, runtime.scheduler(), runtime.heartbeat().toMillis());
        this.sessionsHere = new SessionsInPool(() -> runtime.sessions().maxSessions());
        this.missingAdapter = runtime.adapters().missingIn(config.workerSpec().adapter());
        this.pipelinedAnswers = new AnswerBatches(runtime.answers());
    }

    /** Launches all workers concurrently and starts supervising. Returns at once. */
    public void start() {
        Outbox out = new Outbox();
        lock.lock();
        try {
            sizing.ensureSize(out);
        } finally {
            lock.unlock();
        }
        out.run();
        supervisor.start();
        LOG.log(System.Logger.Level.INFO, "pool {0} starting {1} workers ({2})", poolId, config.size(), config);
    }

    /** Waits until every worker is ready (or the timeout passes); returns whether all are. For tests and tools. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (state != PoolState.RUNNING) {
                if (state == PoolState.STOPPING || state == PoolState.STOPPED || state == PoolState.FAILED) {
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
    public Set<String> commands() {
        return commands;
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolState state() {
        return state;
    }

    /** The transitions of a pool's life ({@link PoolState}); any other is a bug. */
    private static final Map<PoolState, Set<PoolState>> TRANSITIONS = new java.util.EnumMap<>(Map.of(
            PoolState.STARTING, java.util.EnumSet.of(PoolState.RUNNING, PoolState.FAILED, PoolState.STOPPING),
            PoolState.RUNNING, java.util.EnumSet.of(PoolState.STARTING, PoolState.FAILED, PoolState.STOPPING),
            PoolState.FAILED, java.util.EnumSet.of(PoolState.RECOVERING, PoolState.STARTING, PoolState.STOPPING),
            PoolState.RECOVERING, java.util.EnumSet.of(PoolState.STARTING, PoolState.FAILED, PoolState.STOPPING),
            PoolState.STOPPING, java.util.EnumSet.of(PoolState.STOPPED),
            PoolState.STOPPED, java.util.EnumSet.noneOf(PoolState.class)));

    /** Moves the pool to {@code next} (lock held); staying put is allowed, an illegal transition throws. */
    void moveTo(PoolState next) {
        if (state != next && !TRANSITIONS.get(state).contains(next)) {
            throw new IllegalStateException("pool " + poolId + ": " + state + " -> " + next + " is not a transition of the pool lifecycle");
        }
        state = next;
    }

    // --- admission ----------------------------------------------------------------------------------

    @Override
    public CompletionStage<Response> execute(Request request) {
        return admit(request, false).future;
    }

    @Override
    public dev.pooler.api.ResponseStream stream(Request request) {
        return admit(request, true).stream;
    }

    /** Accepts a request (answered at once when refused) and sends it to an idle worker or queues it. */
    private PendingRequest admit(Request request, boolean streaming) {
        PoolConfig c = config;
        long timeout = (request.timeout() != null ? request.timeout() : c.resourceLimits().requestTimeout()).toNanos();
        // a request that may be pipelined is answered through the pool's answer batches: a burst of its worker's replies
        // costs one hand-over to an answer thread
        Executor answers = c.pipelineDepth() > 1 && Pipe.pipelinable(request, streaming) ? pipelinedAnswers : rt.answers();
        PendingRequest p = new PendingRequest(request, timeout, counters, answers, streaming, this::cancel,
                c.capabilities());
        long sessionVersion = 0;
        if (request.sessionId() != null) {
            try {
                SessionState session = rt.sessions().use(request.sessionId());
                sessionVersion = session == null ? 0 : session.version();
            } catch (PoolerException forgotten) {
                p.fail(forgotten, System.nanoTime());
                return p;
            }
        }
        Worker w = null;
        PoolerException refusal;
        lock.lock();
        try {
            refusal = refusalLocked();
            if (refusal == null && sessionVersion > 0 && rt.shipping().explicitSyncOnly()
                    && !sessionsHere.contains(request.sessionId())) {
                refusal = notSynced(request.sessionId(), sessionVersion);
            }
            if (refusal == null) {
                int depth = c.pipelineDepth();
                w = dispatcher.idleWorkerFor(p, sessionVersion);
                if (w != null) {
                    Dispatcher.assign(w, p);
                    sessionFrameLocked(w, p, false);
                    if (depth > 1 && Pipe.pipelinable(p)) {
                        Dispatcher.pipeHead(w, p);
                    }
                } else if (depth > 1 && Pipe.pipelinable(p) && (w = dispatcher.roomiest(members, depth, pipelineFit)) != null) {
                    Dispatcher.pipeBehind(w, p);
                } else if (!dispatcher.enqueue(p, c.resourceLimits().maxQueue())) {
                    refusal = new PoolerException(ErrorKind.POOL_OVERLOADED, "pool " + poolId + " is overloaded: "
                            + dispatcher.queued() + " requests queued (max_queue " + c.resourceLimits().maxQueue() + ")", poolId);
                }
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            p.fail(refusal, System.nanoTime());
        } else if (w != null) {
            send(w, p);
        }
        return p;
    }

    /** How long a worker may take to stop a cancelled request before it is recycled. */
    static final Duration CANCEL_GRACE = Duration.ofMillis(Long.getLong("pooler.cancel.grace.ms", 2000));

    /**
     * Cancels a request of this pool: a queued one leaves the queue; a running one's worker gets a {@code cancel}
     * frame and, if it still runs the request after {@link #CANCEL_GRACE}, is killed and replaced. Either way the
     * request is answered {@code CANCELLED} now.
     */
    @Override
    public boolean cancel(long requestId) {
        PendingRequest queued;
        PendingRequest running = null;
        Worker runner = null;
        PendingRequest piped = null;
        Worker pipedOn = null;
        lock.lock();
        try {
            queued = dispatcher.removeQueued(requestId);
            if (queued == null) {
                for (Worker m : members) {
                    PendingRequest p = m.current;
                    if (p != null && p.id == requestId && !p.isCancelled()) {
                        running = p;
                        runner = m;
                    } else if (m.pipe != null && piped == null) {
                        piped = m.pipe.removeRequest(requestId);
                        pipedOn = piped == null ? null : m;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        if (queued != null) {
            return queued.cancel(false, now);
        }
        if (piped != null) {
            // written behind another request and not started: the worker skips it (its CANCELLED reply is dropped)
            boolean cancelled = piped.cancel(true, now);
            pipedOn.process.sendCancel(piped.wireId);
            return cancelled;
        }
        if (running == null || !running.cancel(true, now)) {
            return false;
        }
        Worker w = runner;
        PendingRequest p = running;
        w.process.sendCancel(p.wireId);
        rt.scheduler().schedule(() -> recycleIfStillRunning(w, p), CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /** The grace of a cancelled request is over: a worker still running it is ended (not counted as a crash). */
    private void recycleIfStillRunning(Worker w, PendingRequest p) {
        boolean kill = false;
        lock.lock();
        try {
            if (w.current == p && w.home == this) {
                w.exitReason = "it did not stop its cancelled request within " + CANCEL_GRACE.toMillis() + " ms";
                kill = true;
            }
        } finally {
            lock.unlock();
        }
        if (kill) {
            LOG.log(System.Logger.Level.WARNING, "pool {0}: {1} {2}; recycling it", poolId, w, w.exitReason);
            w.process.kill();
        }
    }

    private PoolerException refusalLocked() {
        BundledAdapter missing = missingAdapter;
        if (missing != null && state != PoolState.STOPPING && state != PoolState.STOPPED) {
            return new PoolerException(ErrorKind.NO_CAPABLE_POOL, "pool " + poolId + " cannot serve: its adapter '"
                    + missing.name() + "' is missing (" + (missing.lastError() != null ? missing.lastError()
                    : "bundle " + missing.bundle() + " " + missing.version() + " is gone") + "); it serves again when the adapter "
                    + "bundle is back or the pool is reconfigured", poolId);
        }
        return switch (state) {
            case STOPPING, STOPPED -> new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " is stopping", poolId);
            case FAILED -> new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " has failed (" + recovery.failure()
                    + "); it probes again in " + recovery.millisToProbe() + " ms", poolId);
            default -> null;
        };
    }

    /** The manual sync rule: the session's state is in the store but was never given to this pool. */
    private PoolerException notSynced(String sessionId, long version) {
        return new PoolerException(ErrorKind.BAD_REQUEST, "session '" + sessionId + "' has state (version " + version
                + ") that was not synced to pool " + poolId + ", and session_data_sync is manual: call "
                + "CrossPoolSessionManager.syncSession(\"" + sessionId + "\", \"" + poolId + "\") first", poolId, null, false);
    }

    /**
     * A failed write means the process is dying; its exit answers the request. Session state that went on
     * the pipe is counted here, where it was written.
     */
    private void send(Worker w, PendingRequest p) {
        if (p.piped) {
            w.pipe.write(w); // every request assigned to it so far, in order (p among them, unless written already)
        } else {
            write(w, p);
        }
    }

    private void write(Worker w, PendingRequest p) {
        Request r = p.request;
        if (p.stream != null) {
            w.process.sendRequest(p.wireId, r.command(), r.argsJson(), r.sessionId(), p.sessionVersion, p.sessionState, true);
        } else if (r.sessionId() == null) {
            w.process.sendRequest(p.wireId, r.command(), r.argsJson());
        } else {
            String state = p.sessionState;
            if (w.process.sendRequest(p.wireId, r.command(), r.argsJson(), r.sessionId(), p.sessionVersion, state)
                    && state != null) {
                rt.shipping().shippedWithRequest(SessionShipping.utf8Length(state));
            }
        }
    }

    /**
     * A session's request runs against the store's current version of the session; its state travels
     * along when the worker does not hold that version (or, {@code force}, said it lacked it). Lock held.
     */
    private void sessionFrameLocked(Worker w, PendingRequest p, boolean force) {
        String id = p.request.sessionId();
        if (id == null) {
            return;
        }
        SessionState s = rt.sessions().get(id).orElse(null);
        p.sessionVersion = s == null ? 0 : s.version();
        p.sessionState = null;
        if (s != null && s.version() > 0 && (force || !w.sessions.holds(id, s.version()))) {
            p.sessionState = s.stateJson();
            w.sessions.put(id, s.version());
            sessionsHere.add(id);
        }
    }

    // --- session data (SessionSync) -------------------------------------------------------------------

    /** How long a worker has to answer a push (it answers after the request it runs, if any). */
    static final Duration PUSH_DEADLINE = Duration.ofSeconds(30);

    /** Ready to run a request now or after its current one: what a push reaches and availability counts. */
    private static boolean ready(Worker m) {
        return m.live() && (m.state() == WorkerState.IDLE || m.state() == WorkerState.BUSY);
    }

    /** Where the session's data stands in this pool (see {@link SessionAvailability}). */
    public SessionAvailability availability(String sessionId) {
        SessionState s = rt.sessions().get(sessionId).orElse(null);
        long version = s == null ? 0 : s.version();
        int workers = 0;
        int holding = 0;
        boolean here;
        lock.lock();
        try {
            for (Worker m : members) {
                if (ready(m)) {
                    workers++;
                    if (version > 0 && m.sessions.holds(sessionId, version)) {
                        holding++;
                    }
                }
            }
            here = sessionsHere.contains(sessionId);
        } finally {
            lock.unlock();
        }
        return new SessionAvailability(sessionId, poolId, SessionAvailability.statusOf(version, holding, workers), version,
                holding, workers, here);
    }

    /**
     * Pushes the session's current state to every ready worker lacking it ({@code put_session}), and marks the
     * session's data as in this pool. Completes once every worker answered, with the availability then.
     */
    public CompletableFuture<SessionAvailability> push(String sessionId) {
        SessionState s = rt.sessions().get(sessionId).orElse(null);
        if (s == null || s.version() <= 0) {
            return CompletableFuture.completedFuture(availability(sessionId));
        }
        long version = s.version();
        List<Worker> targets = new ArrayList<>();
        lock.lock();
        try {
            if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
                return CompletableFuture.failedFuture(new PoolerException(ErrorKind.SHUTTING_DOWN,
                        "pool " + poolId + " is stopping: no session data goes to it", poolId));
            }
            sessionsHere.add(sessionId);
            for (Worker m : members) {
                if (ready(m) && m.sessions.version(sessionId) < version) {
                    m.sessions.put(sessionId, version); // a request sent from now on need not carry it
                    targets.add(m);
                }
            }
        } finally {
            lock.unlock();
        }
        int bytes = SessionShipping.utf8Length(s.stateJson());
        List<CompletableFuture<?>> answers = new ArrayList<>(targets.size());
        for (Worker w : targets) {
            answers.add(w.process.putSession(sessionId, version, s.stateJson(), PUSH_DEADLINE, rt.scheduler(),
                            () -> rt.shipping().pushed(bytes))
                    .handle((reply, error) -> {
                        boolean installed = error == null && reply.has("installed") && reply.get("installed").getAsBoolean();
                        if (!installed) {
                            forgetPushed(w, sessionId, version);
                        }
                        return null;
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(x -> availability(sessionId));
    }

    /** A push did not take: the worker is no longer believed to hold that version (it is shipped again when needed). */
    private void forgetPushed(Worker w, String sessionId, long version) {
        lock.lock();
        try {
            if (w.sessions.holds(sessionId, version)) {
                w.sessions.forget(sessionId);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How long a worker has to answer {@code end_session} (after the request it runs, if any). */
    static final Duration END_DEADLINE = Duration.ofSeconds(30);

    /**
     * Tells every worker of this pool that holds one of these sessions to drop it ({@code end_session}, in order
     * after the request it runs, if any), and forgets that the session's data is in this pool. Decides under the
     * lock, writes after it; returns at once with the number of frames written. A worker's answer that it dropped
     * the state is counted ({@link SessionShipping#traffic()} {@code sessionsEnded}). Call it off the hot path
     * ({@link SessionEndings}).
     */
    public int endSessions(Collection<String> sessionIds) {
        Map<Worker, List<String>> holders = new LinkedHashMap<>();
        lock.lock();
        try {
            for (String id : sessionIds) {
                sessionsHere.remove(id);
            }
            for (Worker m : members) {
                for (String id : sessionIds) {
                    if (m.sessions.contains(id)) {
                        m.sessions.forget(id);
                        if (m.live() && m.process != null) {
                            holders.computeIfAbsent(m, k -> new ArrayList<>()).add(id);
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        int frames = 0;
        for (Map.Entry<Worker, List<String>> e : holders.entrySet()) {
            WorkerProcess process = e.getKey().process;
            for (String id : e.getValue()) {
                JsonObject fields = new JsonObject();
                fields.addProperty("session", id);
                frames++;
                process.call("end_session", fields, END_DEADLINE, rt.scheduler()).whenComplete((reply, error) -> {
                    if (error == null && reply.has("dropped") && reply.get("dropped").getAsBoolean()) {
                        rt.shipping().ended();
                    } else if (error != null) {
                        LOG.log(System.Logger.Level.DEBUG, "worker {0}: end_session {1} not answered: {2}",
                                process.id(), id, error.getMessage());
                    }
                });
            }
        }
        return frames;
    }

    // --- what workers say (on their reader threads) ---------------------------------------------------

    @Override
    public void onReady(Worker w) {
        Outbox out = new Outbox();
        PendingRequest next = null;
        boolean ready = false;
        WorkerHost elsewhere = null;
        lock.lock();
        try {
            if (w.home != this) {
                elsewhere = w.home;
            } else if (w.state() == WorkerState.STARTING) {
                ready = true;
                w.readyAtNanos = System.nanoTime();
                if (w.owner == this && w.process.capabilities() != null && !w.process.capabilities().isEmpty()) {
                    commands = Set.copyOf(w.process.capabilities());
                }
                counters.workerStarts.record(w.readyAtNanos - w.launchedAtNanos);
                restarts.recordReady();
                w.moveTo(WorkerState.IDLE);
                next = freedLocked(w, out);
                recovery.afterReady(w, out);
                rollout.step(out);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (elsewhere != null) {
            elsewhere.onReady(w);
            return;
        }
        out.run();
        if (next != null) {
            send(w, next);
        }
        if (ready) {
            rt.events().post(PoolerEvents.WORKER_STARTED, Map.of(PoolerEvents.POOL_ID, poolId,
                    PoolerEvents.WORKER_ID, w.id, PoolerEvents.PID, w.process.pid()));
        }
    }

    @Override
    public void onAnswer(Worker w, long id, JsonElement result, PoolerException error, JsonObject session) {
        long now = System.nanoTime();
        Outbox out = new Outbox();
        PendingRequest done = null;
        PendingRequest next = null;
        PendingRequest again = null;
        boolean runningDry = false;
        SessionChange change = null;
        WorkerHost elsewhere = null;
        lock.lock();
        try {
            if (w.home != this) {
                elsewhere = w.home;
            } else {
                PendingRequest p = w.current;
                boolean head = p != null && (id < 0 || p.wireId == id);
                change = head ? SessionChange.of(session, w) : null;
                if (change != null && !change.missing()) {
                    sessionsHere.add(change.sessionId()); // the session's data was made here
                }
                if (change != null && change.missing() && !p.resentWithState) {
                    // The worker lacked the session's state and did not run the command: once more, with it.
                    p.resentWithState = true;
                    sessionFrameLocked(w, p, true);
                    again = p;
                } else if (head) {
                    done = p;
                    w.current = null;
                    w.served++;
                    if (error == null) {
                        restarts.recordServed();
                    }
                    long maxRequests = config.resourceLimits().maxRequestsPerWorker();
                    if (maxRequests > 0 && w.served >= maxRequests && w.retireReason == null && w.owner == this) {
                        w.retireReason = "served its maximum of " + maxRequests + " requests";
                        sizing.ensureSize(out); // its replacement starts now
                    }
                    Pipe pipe = w.pipe;
                    if (pipe != null && pipe.behind() > 0) {
                        w.current = pipe.nextHead(); // written already: it runs now
                        // written at once when the new head is all the worker has (it would run dry), else when this
                        // reader has caught up with the worker's replies: a burst of replies costs one write
                        boolean onlyTheHeadLeft = pipe.behind() == 0;
                        runningDry = topUpLocked(w) && onlyTheHeadLeft;
                    } else {
                        next = freedLocked(w, out);
                    }
                } else if (w.pipe != null && (p = w.pipe.removeWire(id)) != null) {
                    done = p; // its head timed out (the worker is being killed); this one, behind it, finished first
                    w.served++;
                }
            }
        } finally {
            lock.unlock();
        }
        if (elsewhere != null) {
            elsewhere.onAnswer(w, id, result, error, session);
            return;
        }
        if (again != null) {
            send(w, again);
            return;
        }
        if (change != null) {
            change.keep(rt.sessions());
        }
        if (done == null) {
            LOG.log(System.Logger.Level.DEBUG, "pool {0}: {1} answered request {2}, which nobody waits for any more (dropped)",
                    poolId, w, id);
            return;
        }
        if (next != null) {
            send(w, next); // first: the worker is busy again while the answer is delivered
        } else if (runningDry) {
            w.pipe.write(w);
        }
        out.run();
        if (error == null) {
            done.succeed(w.id, result, now);
        } else {
            done.fail(error, now);
        }
    }

    /**
     * A tool call of a worker serving this pool: answered on the answer executor (never this reader thread),
     * within this pool's {@code tools.allowed} and request timeout.
     */
    void onToolCall(Worker w, JsonObject frame) {
        PoolConfig c = config;
        WorkerProcess p = w.process;
        rt.tools().handle(frame, c, w.id, c.resourceLimits().maxReplyBytes(), p::sendToolReply);
    }

    @Override
    public void onChunk(Worker w, long id, JsonElement chunk) {
        ChunkStream s = null;
        WorkerHost elsewhere = null;
        lock.lock();
        try {
            if (w.home != this) {
                elsewhere = w.home;
            } else if (w.current != null && w.current.wireId == id) {
                s = w.current.stream;
            }
        } finally {
            lock.unlock();
        }
        if (elsewhere != null) {
            elsewhere.onChunk(w, id, chunk);
        } else if (s != null) {
            s.offer(chunk); // after the lock: it may wait for a slow subscriber (this worker's reads only)
        }
    }

    @Override
    public void onExit(Worker w, int exitCode, String reason) {
        long now = System.nanoTime();
        Outbox out = new Outbox();
        PendingRequest lost;
        boolean crash;
        boolean borrowed;
        List<PendingRequest> cut = List.of();
        WorkerHost elsewhere = null;
        lock.lock();
        try {
            if (w.home != this) {
                elsewhere = w.home;
                lost = null;
                crash = false;
                borrowed = false;
            } else {
                members.remove(w);
                dispatcher.removeIdle(w);
                lost = w.current;
                w.current = null;
                if (w.behind() > 0) {
                    cut = unstartedLocked(w.pipe.takeBehind(), out);
                }
                w.moveTo(WorkerState.DEAD);
                crash = w.exitReason == null && state != PoolState.STOPPING && state != PoolState.STOPPED;
                borrowed = w.owner != this;
                Departure d = departures.remove(w);
                if (d != null) {
                    out.add(() -> d.done().completeExceptionally(new PoolerException(ErrorKind.WORKER_CRASHED,
                            w + " died while it drained: " + reason, poolId)));
                }
                if (!borrowed) {
                    replaceLocked(w, crash, exitCode, now, reason, out);
                    rollout.step(out);
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (elsewhere != null) {
            elsewhere.onExit(w, exitCode, reason);
            return;
        }
        out.run();
        if (lost != null) {
            lost.fail(new PoolerException(ErrorKind.WORKER_CRASHED, "worker " + w.id + " (pid " + w.process.pid()
                    + ") of pool " + poolId + " died while running '" + lost.request.command() + "': " + reason
                    + ", exit code " + exitCode, poolId), now);
        }
        for (PendingRequest p : cut) {
            p.fail(new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " stopped while the request waited in "
                    + "the pipe of worker " + w.id, poolId, null, false), now);
        }
        if (crash) {
            reportCrash(w, exitCode, reason);
        }
        if (borrowed) {
            w.owner.onLentWorkerDied(w, crash, exitCode, reason);
        }
    }

    void reportCrash(Worker w, int exitCode, String reason) {
        LOG.log(System.Logger.Level.WARNING, "worker {0} (pid {1}) of pool {2} died: {3}, exit code {4}",
                w.id, w.process.pid(), w.home instanceof PythonPool p ? p.id() : poolId, reason, exitCode);
        rt.events().post(PoolerEvents.WORKER_CRASHED, Map.of(PoolerEvents.POOL_ID, poolId,
                PoolerEvents.WORKER_ID, w.id, PoolerEvents.PID, w.process.pid(),
                PoolerEvents.EXIT_CODE, exitCode, PoolerEvents.REASON, reason));
    }

    /** One of this pool's workers died while it served another pool (or in transit): the owner replaces it. */
    void onLentWorkerDied(Worker w, boolean crash, int exitCode, String reason) {
        Outbox out = new Outbox();
        lock.lock();
        try {
            if (lentOut.remove(w)) {
                replaceLocked(w, crash && state != PoolState.STOPPING && state != PoolState.STOPPED, exitCode, System.nanoTime(),
                        reason, out);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        out.run();
    }

    /** An own worker is gone: count the crash against the restart intensity, fail the pool or replace it. */
    private void replaceLocked(Worker w, boolean crash, int exitCode, long now, String reason, Outbox out) {
        if (crash) {
            counters.crashes.incrementAndGet();
            boolean early = RestartPolicy.diedEarly(w, exitCode, now);
            boolean tripped = restarts.recordCrash(early, now);
            if (tripped || (early && state == PoolState.RECOVERING)) {
                recovery.fail("more than " + config.resourceLimits().maxRestarts() + " workers died right after starting within "
                        + config.resourceLimits().restartWindow().toSeconds() + " s (last: worker " + w.id + " " + reason + ")", out);
                return;
            }
        }
        sizing.replacementOwed();
        sizing.ensureSize(out);
    }

    /** A worker holds no request now: it leaves (draining), retires, or takes the next request (returned). */
    private PendingRequest freedLocked(Worker w, Outbox out) {
        Departure d = departures.remove(w);
        if (d != null) {
            Transit t = new Transit(w, this, rt); // it holds no request now: nothing travels with it
            if (leaveLocked(w, t)) {
                out.add(() -> d.done().complete(t));
                return null;
            }
            out.add(() -> d.done().completeExceptionally(new PoolerException(ErrorKind.WORKER_CRASHED,
                    w + " died before it could move", poolId)));
            return null; // its exit is on its way
        }
        if (w.retireReason != null) {
            sizing.retire(w, out);
            return null;
        }
        PendingRequest next = dispatcher.next(w);
        if (next != null) {
            sessionFrameLocked(w, next, false);
            if (config.pipelineDepth() > 1 && Pipe.pipelinable(next)) {
                Dispatcher.pipeHead(w, next);
                topUpLocked(w); // written with it, by the same writer
            }
        }
        return next;
    }

    // --- pipelining (pipeline.depth > 1) ----------------------------------------------------------------

    /**
     * Whether a new request may go behind this worker's head: the head itself is pipelined (written through the pipe,
     * neither a session's nor a stream) and not cancelled, and the worker is staying (not retiring, draining, dying).
     */
    private boolean mayPipelineTo(Worker m) {
        PendingRequest head = m.current;
        return head != null && head.piped && Pipe.pipelinable(head) && !head.isCancelled() && m.home == this
                && m.retireReason == null && m.exitReason == null && m.state() == WorkerState.BUSY;
    }

    /** Fills a busy worker's pipe from the queue up to {@code pipeline.depth}; whether it added any (lock held). */
    private boolean topUpLocked(Worker w) {
        int depth = config.pipelineDepth();
        if (depth <= 1 || !mayPipelineTo(w)) {
            return false;
        }
        boolean added = false;
        PendingRequest q;
        while (1 + w.behind() < depth && (q = dispatcher.nextPipelinable()) != null) {
            Dispatcher.pipeBehind(w, q);
            added = true;
        }
        return added;
    }

    /**
     * The requests a dead worker held behind its head never started (its runtime runs frames in order, and every reply
     * it wrote was read before its exit is handled): they are not blamed for its death, they go back to the head of the
     * queue and on to other workers — unless the pool is stopping (then they are returned, to be answered
     * {@code SHUTTING_DOWN}). Lock held; the writes go to {@code out}.
     */
    private List<PendingRequest> unstartedLocked(List<PendingRequest> unstarted, Outbox out) {
        List<PendingRequest> open = new ArrayList<>(unstarted.size());
        for (PendingRequest p : unstarted) {
            if (!p.isAnswered()) {
                open.add(p);
            }
        }
        if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
            return open;
        }
        dispatcher.requeueFirst(open);
        Worker idle;
        while (dispatcher.queued() > 0 && (idle = dispatcher.pollIdle()) != null) {
            PendingRequest next = freedLocked(idle, out);
            if (next != null) {
                Worker to = idle;
                out.add(() -> send(to, next));
            }
        }
        for (Worker m : members) {
            if (dispatcher.queued() == 0) {
                break;
            }
            if (topUpLocked(m)) {
                out.add(() -> m.pipe.write(m));
            }
        }
        return List.of();
    }

    // --- sizing ---------------------------------------------------------------------------------------

    /** Whether a worker about to be launched is still wanted; forgets it if not. */
    boolean mayStart(Worker w) {
        lock.lock();
        try {
            if (w.exitReason == null && w.retireReason == null && w.home == this && state != PoolState.FAILED
                    && state != PoolState.STOPPING && state != PoolState.STOPPED) {
                return true;
            }
            if (members.remove(w)) {
                w.moveTo(WorkerState.DEAD);
                changed.signalAll();
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a worker whose process just started is still wanted (a stop or failure may have raced with it). */
    boolean stillWanted(Worker w) {
        lock.lock();
        try {
            return w.exitReason == null;
        } finally {
            lock.unlock();
        }
    }

    // --- pool states ----------------------------------------------------------------------------------

    /** Own workers serving here or lent out, ready (not starting, not leaving). */
    int servingOwnLocked() {
        int n = lentOut.size();
        for (Worker m : members) {
            if (m.owner == this && m.live() && m.state() != WorkerState.STARTING) {
                n++;
            }
        }
        return n;
    }

    // --- supervision (called by the Supervisor) -------------------------------------------------------

    List<Worker> membersSnapshot() {
        lock.lock();
        try {
            return new ArrayList<>(members);
        } finally {
            lock.unlock();
        }
    }

    // --- moving workers (WorkerExchange) --------------------------------------------------------------

    /**
     * Takes a worker out of this pool: now when it is idle or {@code IMMEDIATE} (its request travels
     * with it), else once its request is answered.
     */
    public CompletableFuture<Transit> detach(String workerId, WorkerExchange.Mode mode) {
        lock.lock();
        try {
            Worker w = null;
            for (Worker m : members) {
                if (m.id.equals(workerId)) {
                    w = m;
                }
            }
            if (w == null) {
                return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST,
                        "pool " + poolId + " has no worker '" + workerId + "'", poolId));
            }
            if (state == PoolState.STOPPING || state == PoolState.STOPPED || state == PoolState.FAILED) {
                return CompletableFuture.failedFuture(new PoolerException(ErrorKind.SHUTTING_DOWN,
                        "pool " + poolId + " is " + state + ": its workers stay", poolId));
            }
            WorkerState s = w.state();
            if (!w.live() || (s != WorkerState.IDLE && s != WorkerState.BUSY)) {
                return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "worker " + workerId
                        + " cannot move now: it is " + (w.retireReason != null ? "retiring (" + w.retireReason + ")" : s), poolId));
            }
            // a pipe does not travel: a worker with requests behind its head leaves once it has answered them
            if (s == WorkerState.IDLE || (mode == WorkerExchange.Mode.IMMEDIATE && w.behind() == 0)) {
                Transit t = new Transit(w, this, rt); // IMMEDIATE: the request it runs travels with it
                dispatcher.removeIdle(w);
                if (!leaveLocked(w, t)) {
                    return CompletableFuture.failedFuture(new PoolerException(ErrorKind.WORKER_CRASHED,
                            "worker " + workerId + " died before it could move", poolId));
                }
                return CompletableFuture.completedFuture(t);
            }
            w.moveTo(WorkerState.DRAINING);
            CompletableFuture<Transit> done = new CompletableFuture<>();
            departures.put(w, new Departure(done));
            return done;
        } finally {
            lock.unlock();
        }
    }

    /** The worker leaves the pool for the transit (lock held). False if its process has already ended. */
    private boolean leaveLocked(Worker w, Transit t) {
        if (!w.rehome(t)) {
            return false;
        }
        members.remove(w);
        w.moveTo(WorkerState.IN_TRANSIT);
        if (w.owner == this) {
            lentOut.add(w);
        }
        changed.signalAll();
        return true;
    }

    /** Gives up a graceful departure that has not happened yet: the worker serves here again. */
    public boolean cancelDeparture(String workerId) {
        Outbox out = new Outbox();
        PendingRequest next = null;
        Worker found = null;
        lock.lock();
        try {
            for (Map.Entry<Worker, Departure> e : departures.entrySet()) {
                if (e.getKey().id.equals(workerId)) {
                    found = e.getKey();
                }
            }
            if (found == null) {
                return false;
            }
            departures.remove(found);
            found.moveTo(WorkerState.BUSY);
            if (found.current == null) {
                next = freedLocked(found, out);
            }
        } finally {
            lock.unlock();
        }
        out.run();
        if (next != null) {
            send(found, next);
        }
        return true;
    }

    /** Takes in a worker from a transit (its own coming home, or a borrowed one). */
    public WorkerInfo adopt(Transit t) {
        Worker w = t.worker();
        Outbox out = new Outbox();
        PendingRequest next;
        WorkerInfo info;
        lock.lock();
        try {
            if (state != PoolState.RUNNING && state != PoolState.STARTING && state != PoolState.RECOVERING) {
                throw new PoolerException(ErrorKind.NO_CAPABLE_POOL, "pool " + poolId + " is " + state + ": it takes no worker", poolId);
            }
            synchronized (w) {
                if (w.current != null) {
                    throw new IllegalStateException(w + " still runs a request");
                }
                if (!w.rehome(this)) {
                    throw new PoolerException(ErrorKind.WORKER_CRASHED, w + " died in transit", poolId);
                }
            }
            members.add(w);
            if (w.owner == this) {
                lentOut.remove(w);
            }
            w.moveTo(WorkerState.IDLE);
            next = freedLocked(w, out);
            if (next == null) {
                rollout.step(out); // an own worker home from a loan may run older code
            }
            if (state == PoolState.STARTING && servingOwnLocked() >= config.size()) {
                moveTo(PoolState.RUNNING);
                runningSinceNanos = System.nanoTime();
            }
            info = w.info(poolId);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        out.run();
        if (next != null) {
            send(w, next);
        }
        return info;
    }

    /** A lent worker whose transit ended it (a failed rollback): the owner forgets and replaces it. */
    void forgetLent(Worker w, String reason) {
        onLentWorkerDied(w, false, -1, reason);
    }

    // --- adapters delivered as bundles -----------------------------------------------------------------

    /**
     * A bundled adapter changed. When this pool names it: a missing adapter makes it refuse new requests
     * (work in flight finishes on the code already loaded) and launch nothing; new code ({@code newCode}:
     * installed, updated, back) rolls its own workers onto it one at a time.
     */
    public void adapterChanged(String name, boolean newCode) {
        if (!BundledAdapters.names(config.workerSpec().adapter(), name)) {
            return;
        }
        Outbox out = new Outbox();
        BundledAdapter missing;
        lock.lock();
        try {
            if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
                return;
            }
            BundledAdapter was = missingAdapter;
            missing = rt.adapters().missingIn(config.workerSpec().adapter());
            missingAdapter = missing;
            if (missing == null) {
                if (newCode && (state == PoolState.FAILED || state == PoolState.RECOVERING)) {
                    startAfreshLocked(); // its workers may have failed for want of this very code
                    sizing.ensureSize(out);
                }
                if (newCode) {
                    rollout.start("adapter '" + name + "' changed to " + rt.adapters().versionsOf(name), out);
                }
                if (was != null) {
                    sizing.ensureSize(out);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        out.run();
        if (missing != null) {
            LOG.log(System.Logger.Level.WARNING, "pool {0}: adapter {1} is missing; new requests are refused until it is back",
                    poolId, missing.name());
        } else if (newCode) {
            LOG.log(System.Logger.Level.INFO, "pool {0}: rolling its workers onto {1}, one at a time", poolId,
                    rt.adapters().versionsOf(config.workerSpec().adapter()));
        }
    }

    /** A failed (or recovering) pool forgets its failure and launches its full size again. Lock held. */
    private void startAfreshLocked() {
        recovery.cancel();
        restarts.reset();
        restarts.recoveredForGood();
        moveTo(PoolState.STARTING);
    }

    /** Whether own workers still run older adapter code than a launch would give now. */
    public boolean rolling() {
        lock.lock();
        try {
            return rollout.rolling();
        } finally {
            lock.unlock();
        }
    }

    // --- configuration and stop -----------------------------------------------------------------------

    /**
     * Applies a new configuration live: size, limits, priority, capabilities and the rest at once;
     * a changed launch spec or specialization relaunches the own workers one by one as they finish.
     * A failed pool starts afresh.
     */
    public void reconfigure(PoolConfig next) {
        if (!next.poolId().equals(poolId)) {
            throw new IllegalArgumentException("a pool's id cannot change (" + poolId + " -> " + next.poolId() + ")");
        }
        Outbox out = new Outbox();
        lock.lock();
        try {
            PoolConfig previous = config;
            config = next;
            if (!previous.workerSpec().adapter().equals(next.workerSpec().adapter())) {
                commands = Set.of(); // unknown until a worker on the new adapter comes up
            }
            missingAdapter = rt.adapters().missingIn(next.workerSpec().adapter());
            restarts.reconfigure(next.resourceLimits().maxRestarts(), next.resourceLimits().restartWindow().toNanos());
            if (state == PoolState.STOPPING || state == PoolState.STOPPED) {
                return;
            }
            if (state == PoolState.FAILED || state == PoolState.RECOVERING) {
                startAfreshLocked();
            }
            if (previous.needsRelaunch(next)) {
                for (Worker m : new ArrayList<>(members)) {
                    if (m.owner == this && m.live()) {
                        m.retireReason = "the pool's worker launch settings changed";
                        if (m.state() == WorkerState.IDLE || m.state() == WorkerState.STARTING) {
                            sizing.retire(m, out);
                        }
                    }
                }
            }
            sizing.ensureSize(out);
            moveTo(servingOwnLocked() < next.size() ? PoolState.STARTING : PoolState.RUNNING);
            if (state == PoolState.RUNNING) {
                runningSinceNanos = System.nanoTime();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        out.run();
        LOG.log(System.Logger.Level.INFO, "pool {0} reconfigured: {1}", poolId, next);
    }

    /**
     * Stops the pool: refuses new work, lets queued and running requests finish within {@code drain},
     * asks every worker serving here to shut down (own and borrowed) and ends its lent-out workers,
     * then kills what is left. Whatever is still unanswered gets {@code SHUTTING_DOWN}.
     */
    public void stop(Duration drain) {
        List<PendingRequest> queued;
        List<PendingRequest> running = new ArrayList<>();
        List<Worker> ending;
        List<Worker> lent;
        List<Departure> departing;
        lock.lock();
        try {
            if (state == PoolState.STOPPED) {
                return;
            }
            moveTo(PoolState.STOPPING);
            recovery.cancel();
            long deadline = System.nanoTime() + drain.toNanos();
            while ((dispatcher.queued() > 0 || busyLocked() > 0) && !members.isEmpty()) {
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
            queued = dispatcher.drain();
            ending = new ArrayList<>(members);
            for (Worker m : ending) {
                if (m.current != null) {
                    running.add(m.current);
                    m.current = null;
                }
                if (m.behind() > 0) {
                    running.addAll(m.pipe.takeBehind());
                }
                m.exitReason = "the pool stopped";
            }
            lent = new ArrayList<>(lentOut);
            lent.forEach(m -> m.exitReason = "its owner pool stopped");
            departing = new ArrayList<>(departures.values());
            departures.clear();
            moveTo(PoolState.STOPPED);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        supervisor.stop();
        long now = System.nanoTime();
        PoolerException e = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " stopped", poolId, null, false);
        queued.forEach(p -> p.fail(e, now));
        PoolerException cut = new PoolerException(ErrorKind.SHUTTING_DOWN, "pool " + poolId + " stopped while the request ran", poolId, null, true);
        running.forEach(p -> p.fail(cut, now));
        departing.forEach(d -> d.done().completeExceptionally(e));
        lent.forEach(m -> m.process.kill());
        ending.forEach(m -> m.process.requestShutdown());
        long deadline = System.nanoTime() + Sizing.RETIRE_GRACE.toNanos();
        for (Worker m : ending) {
            while (m.process.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (m.process.isAlive()) {
                m.process.kill();
            }
        }
        forks.close(); // the template ends with its last worker
        LOG.log(System.Logger.Level.INFO, "pool {0} stopped", poolId);
    }

    private int busyLocked() {
        int n = 0;
        for (Worker m : members) {
            if (m.holdsWork()) {
                n++;
            }
        }
        return n;
    }

    // --- views ----------------------------------------------------------------------------------------

    @Override
    public PoolStats stats() {
        int workers = 0;
        int busy = 0;
        int idle;
        int queued;
        int lent;
        int borrowed = 0;
        int piped = 0;
        PoolState s;
        lock.lock();
        try {
            for (Worker m : members) {
                piped += m.behind(); // waiting in a worker's pipe: counted as queued, so busy + queued stays what is outstanding
                WorkerState ws = m.state();
                if (ws == WorkerState.IDLE || ws == WorkerState.BUSY || ws == WorkerState.DRAINING) {
                    if (!m.retiring() && ws != WorkerState.DRAINING) {
                        workers++;
                    }
                    if (m.current != null) {
                        busy++;
                    }
                }
                if (m.owner != this) {
                    borrowed++;
                }
            }
            idle = dispatcher.idle();
            queued = dispatcher.queued() + piped;
            lent = lentOut.size();
            s = state;
        } finally {
            lock.unlock();
        }
        double[] l = counters.latencies.summary();
        return new PoolStats(poolId, s, workers, busy, idle, queued, lent, borrowed, counters.completed.get(),
                counters.failed.get(), counters.timeouts.get(), counters.crashes.get(), counters.restarts.get(),
                l[0], l[1], l[2], l[3], counters.cancelled.get(), counters.refused.get());
    }

    @Override
    public LatencyHistograms latencyHistograms() {
        Map<String, String> pool = Map.of("pool", poolId);
        List<HistogramSnapshot> durations = new ArrayList<>();
        counters.requestDurations.snapshots(pool, durations);
        return new LatencyHistograms(durations, List.of(counters.queueWaits.snapshot(pool)),
                List.of(counters.workerStarts.snapshot(pool)), List.of());
    }

    @Override
    public List<WorkerInfo> workers() {
        lock.lock();
        try {
            List<WorkerInfo> out = new ArrayList<>(members.size());
            for (Worker m : members) {
                out.add(m.info(poolId));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The process ids of the workers serving here, for tests and tools. */
    public List<Long> pids() {
        return workers().stream().map(WorkerInfo::pid).filter(p -> p > 0).toList();
    }

    /** Why the pool failed, or {@code null}. */
    public String failure() {
        return recovery.failure();
    }

    /** How many times a request of this pool was answered more than once (the contract: never). */
    public long duplicateAnswers() {
        return counters.duplicateAnswers.get();
    }

    /** Requests turned away before a worker saw them (not counted as failed). */
    public long refused() {
        return counters.refused.get();
    }

    PoolRuntime runtime() {
        return rt;
    }

    @Override
    public String toString() {
        return "pool " + poolId;
    }
}
