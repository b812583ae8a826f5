package dev.pooler.core.impl.routing;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.routing.SessionPlacement;
import dev.pooler.api.routing.SessionRouting;
import dev.pooler.core.impl.events.EventAdminSink;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.histogram.HistogramSource;
import dev.pooler.core.impl.histogram.LabelledHistograms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link RequestRouter}: profile, capable candidates, strategy, execute, fall back, learn.
 *
 * <p>Strategies are whiteboard services collected as they come and go ({@link StrategyRegistry});
 * the router never holds one beyond a call. The decision path takes no lock and holds nothing
 * across {@link Pool#execute}: it reads the registry's pool list, builds one snapshot per
 * candidate, lets the affinity seam ({@link SessionRouting}, optional) place a session's request,
 * else asks the strategy, and dispatches. A refused request tries the next candidate, each pool at
 * most once; one that ran re-runs once elsewhere only if retryable ({@code Routing#mayTryElsewhere},
 * the one retry rule). Every request gets exactly one completion.
 */
@Component(service = RequestRouter.class, configurationPid = RoutingEngine.PID)
@Designate(ocd = LoadBalancingConfiguration.class)
public final class RoutingEngine implements RequestRouter, HistogramSource {

    public static final String PID = "dev.pooler.loadbalancing";

    /** Decisions kept for {@link #recentDecisions}. */
    static final int DECISIONS_KEPT = 256;

    private static final System.Logger LOG = System.getLogger(RoutingEngine.class.getName());
    private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);
    private static final String NAMED = "named_pool";
    /** The name decisions carry when a session's affinity chose the pool. */
    private static final String SESSION = "session_affinity";
    private static final int PINNED_AWAY = -2;

    private final PoolRegistry registry;
    private final EventAdminSink eventAdmin = new EventAdminSink();
    private final EventSink events;
    private final LongSupplier clock;
    private final StrategyRegistry strategies;
    private final CommandHistory history = new CommandHistory();
    private final RequestAnalyzer analyzer = new RequestAnalyzer(history);
    private final PoolTracker tracker = new PoolTracker();
    private final DecisionLog decisions = new DecisionLog(DECISIONS_KEPT);
    /** Time spent deciding, per strategy name (installed strategies and the router's own few: bounded). */
    private final LabelledHistograms decisionTimes = new LabelledHistograms("strategy");
    private final AtomicLong routedCount = new AtomicLong();
    /** This node's zone ({@link PoolConfig#NODE_ZONE_PROPERTY}): its pools' zone when they name none, and the caller's when the request names none. */
    private final String nodeZone;
    /** Requests whose caller's zone was overloaded, so that other zones' pools were candidates too. */
    private final AtomicLong zoneSpills = new AtomicLong();
    private final AtomicLong lastSpillNote = new AtomicLong(Long.MIN_VALUE / 2);
    /** Streams in flight, by id, for {@link #cancel}. */
    private final Map<Long, RoutedStream> streams = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);
    private volatile RouterSettings settings;
    /** The affinity seam, when a session-affinity bundle provides one. */
    private volatile SessionRouting sessionRouting;
    private volatile Map<String, Object> pendingRejection;
    private volatile boolean activated;
    private volatile boolean closed;

    @Activate
    public RoutingEngine(@Reference PoolRegistry registry, LoadBalancingConfiguration config, BundleContext context) {
        this(registry, config, null, System::nanoTime, context.getProperty(PoolConfig.NODE_ZONE_PROPERTY));
    }

    /** For tests, on a node of the default zone: see {@link #RoutingEngine(PoolRegistry, LoadBalancingConfiguration, EventSink, LongSupplier, String)}. */
    RoutingEngine(PoolRegistry registry, LoadBalancingConfiguration config, EventSink events, LongSupplier clock) {
        this(registry, config, events, clock, null);
    }

    /**
     * For tests: {@code events} receives every event (null: Event Admin, when bound), {@code clock}
     * gives nanoseconds, {@code nodeZone} is this node's zone (null: the default zone). Call
     * {@link #activated()} as DS would, after binding the initial strategies.
     */
    RoutingEngine(PoolRegistry registry, LoadBalancingConfiguration config, EventSink events, LongSupplier clock,
                  String nodeZone) {
        this.registry = registry;
        this.nodeZone = nodeZone == null || nodeZone.isBlank() ? PoolConfig.DEFAULT_ZONE : nodeZone.trim();
        this.events = events == null ? eventAdmin : events;
        this.clock = clock;
        RouterSettings s;
        try {
            s = RouterSettings.from(config);
        } catch (InvalidConfigException e) {
            s = RouterSettings.DEFAULTS;
            pendingRejection = rejection(e);
            LOG.log(WARNING, "configuration {0} refused, {1}; running with the defaults", PID, e.getMessage());
        }
        this.settings = s;
        this.strategies = new StrategyRegistry(s.strategy(), this::strategyChanged);
    }

    @Activate
    void activated() {
        activated = true;
        StrategyRegistry.Active a = strategies.active();
        LOG.log(INFO, "routing with strategy {0} (configured: {1}; present: {2})", a.name(), settings.strategy(),
                strategies.names());
        flushPendingRejection();
    }

    @Modified
    void modified(LoadBalancingConfiguration config) {
        RouterSettings next;
        try {
            next = RouterSettings.from(config);
        } catch (InvalidConfigException e) {
            LOG.log(WARNING, "configuration {0} refused, {1}; the previous values stay in force", PID, e.getMessage());
            pendingRejection = rejection(e);
            flushPendingRejection();
            return;
        }
        settings = next;
        strategies.configure(next.strategy());
    }

    @Deactivate
    void deactivated() {
        closed = true;
    }

    /**
     * Event Admin is optional (see {@link EventAdminSink}): its type appears only in this annotation, which the
     * JVM never loads; the method takes DS's own type.
     */
    @Reference(service = EventAdmin.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.bind(ea);
        flushPendingRejection();
    }

    void unbindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.unbind(ea);
    }

    /** The session-affinity seam (optional; the highest-ranked one when several are published). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSessionRouting(SessionRouting seam) {
        sessionRouting = seam;
    }

    void unbindSessionRouting(SessionRouting seam) {
        if (sessionRouting == seam) {
            sessionRouting = null;
        }
    }

    /** A strategy service arrived (DS binds them from the whiteboard); {@code properties} name it ({@link LoadBalancingStrategy#NAME}). */
    @Reference(service = LoadBalancingStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStrategy(LoadBalancingStrategy strategy, Map<String, Object> properties) {
        strategies.bind(strategy, properties);
    }

    void updatedStrategy(LoadBalancingStrategy strategy, Map<String, Object> properties) {
        strategies.update(strategy, properties);
    }

    void unbindStrategy(LoadBalancingStrategy strategy, Map<String, Object> properties) {
        strategies.unbind(strategy);
    }

    // --- RequestRouter ---------------------------------------------------------------------------

    @Override
    public CompletionStage<Response> route(Request request) {
        RoutedFuture result = new RoutedFuture();
        if (request == null) {
            result.completeExceptionally(new PoolerException(ErrorKind.BAD_REQUEST, "request: missing"));
            return result;
        }
        try {
            Routing r = new Routing(request, result);
            result.routing = r;
            r.start();
        } catch (RuntimeException e) {
            result.completeExceptionally(PoolerException.of(e));
        }
        return result;
    }

    @Override
    public dev.pooler.api.ResponseStream stream(Request request) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        long id = dev.pooler.core.impl.worker.WireIds.next();
        if (request == null) {
            result.completeExceptionally(new PoolerException(ErrorKind.BAD_REQUEST, "request: missing"));
            return new RoutedStream(id, result, () -> { });
        }
        Routing r = new Routing(request, result);
        RoutedStream s = new RoutedStream(id, result, r::cancel);
        r.stream = s;
        streams.put(id, s);
        result.whenComplete((x, e) -> streams.remove(id));
        try {
            r.start();
        } catch (RuntimeException e) {
            result.completeExceptionally(PoolerException.of(e));
        }
        return s;
    }

    @Override
    public boolean cancel(long requestId) {
        RoutedStream s = streams.get(requestId);
        if (s != null) {
            return s.cancel();
        }
        for (Pool p : registry.pools()) {
            if (p.cancel(requestId)) {
                return true;
            }
        }
        return false;
    }

    /** The future of a routed request: {@link #cancel} cancels the attempt in flight (answered {@code CANCELLED}). */
    private static final class RoutedFuture extends CompletableFuture<Response> {
        volatile Routing routing;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            Routing r = routing;
            return r != null && !isDone() && r.cancel();
        }
    }

    @Override
    public String activeStrategy() {
        return strategies.active().name();
    }

    @Override
    public dev.pooler.api.routing.LoadBalancingSettings loadBalancing() {
        return settings.published();
    }

    @Override
    public String configuredStrategy() {
        return settings.strategy();
    }

    @Override
    public Set<String> availableStrategies() {
        return strategies.names();
    }

    @Override
    public String capabilityOf(String command) {
        return CapabilityTable.capabilityOf(command);
    }

    @Override
    public List<RoutingDecision> recentDecisions(int max) {
        return decisions.recent(max);
    }

    @Override
    public LatencyHistograms latencyHistograms() {
        List<HistogramSnapshot> out = new ArrayList<>();
        decisionTimes.snapshots(Map.of(), out);
        return new LatencyHistograms(List.of(), List.of(), List.of(), out);
    }

    /** The load-balancing values in force (for the worker-sharing side and the console). */
    RouterSettings settings() {
        return settings;
    }

    /** This node's zone, as the router reads it. */
    String nodeZone() {
        return nodeZone;
    }

    /** How many requests found every pool of their caller's zone overloaded and were offered other zones' too. */
    long zoneSpills() {
        return zoneSpills.get();
    }

    /** Requests sent to a pool and not yet answered, as the router counts them. */
    int inFlight(String poolId) {
        return tracker.track(poolId).inFlight();
    }

    // --- events ----------------------------------------------------------------------------------

    private void strategyChanged(String previous, String next, String reason) {
        if (!activated) {
            return; // the initial binding; activated() reports the outcome once
        }
        LOG.log(INFO, "strategy {0} -> {1} ({2})", previous, next, reason);
        events.post(PoolerEvents.STRATEGY_CHANGED, Map.of(PoolerEvents.STRATEGY, next,
                PoolerEvents.PREVIOUS_STRATEGY, previous, PoolerEvents.REASON, reason));
    }

    private static Map<String, Object> rejection(InvalidConfigException e) {
        return Map.of("pid", PID, PoolerEvents.FIELD, e.field(), PoolerEvents.MESSAGE, e.getMessage());
    }

    private void flushPendingRejection() {
        Map<String, Object> p = pendingRejection;
        if (p != null && activated && eventsPresent()) {
            pendingRejection = null;
            events.post(PoolerEvents.CONFIG_REJECTED, p);
        }
    }

    private boolean eventsPresent() {
        return events != eventAdmin || eventAdmin.present();
    }

    private void postRouted(String poolId, long decisionNanos, String strategy, RequestProfile profile) {
        int every = settings.routedEventSampling();
        if (every <= 0 || !eventsPresent()) {
            return;
        }
        if (every > 1 && routedCount.getAndIncrement() % every != 0) {
            return;
        }
        events.post(PoolerEvents.REQUEST_ROUTED, Map.of(PoolerEvents.POOL_ID, poolId,
                PoolerEvents.ROUTING_TIME, decisionNanos, PoolerEvents.STRATEGY, strategy,
                PoolerEvents.REQUEST_TYPE, profile.command(), PoolerEvents.COMPLEXITY, profile.complexity(),
                "capability", profile.capability()));
    }

    private void warn(String message, Throwable t) {
        long now = clock.getAsLong();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY && lastWarning.compareAndSet(last, now)) {
            LOG.log(WARNING, message, t);
        }
    }

    // --- one request -----------------------------------------------------------------------------

    /**
     * The life of one routed request: its profile, the pools tried so far, and the attempt in
     * flight. Attempts are sequential, so its fields need no lock: each is written before
     * {@link Pool#execute} and read in the completion that execute's stage happens-before.
     * Completions arrive on the pools' answer threads, never on a worker's reader thread.
     */
    private final class Routing implements BiConsumer<Response, Throwable> {
        private final Request request;
        private final CompletableFuture<Response> result;
        private String capability;
        private RequestProfile profile;
        private PoolType poolType;
        private boolean named;
        private List<String> tried;
        private PoolerException lastError;
        /** Attempts that reached a worker: at most two (a retryable request re-run once, elsewhere). */
        private int runs;
        /** The session's placement, when the affinity seam gave one. */
        private SessionPlacement placement;
        // the attempt in flight
        private String poolId;
        private PoolTracker.Track track;
        private String strategyName;
        private LoadBalancingStrategy chooser;
        private RoutingDecision pending;
        private long seq;
        private long dispatchedAt;
        /** Set for a streaming request. */
        RoutedStream stream;
        private volatile boolean cancelled;
        private volatile CompletionStage<Response> inFlight;

        Routing(Request request, CompletableFuture<Response> result) {
            this.request = request;
            this.result = result;
        }

        void start() {
            long t0 = clock.getAsLong();
            if (closed) {
                result.completeExceptionally(new PoolerException(ErrorKind.SHUTTING_DOWN, "the router is stopping"));
                return;
            }
            capability = CapabilityTable.capabilityOf(request);
            profile = analyzer.profile(request, capability);
            poolType = RequestAnalyzer.poolTypeHint(request);
            if (request.strategy() != null && strategyNamed(request.strategy()) == null) {
                fail(t0, 0, new PoolerException(ErrorKind.BAD_REQUEST, "strategy: '" + quoted(request.strategy())
                        + "' is not installed; present: " + strategies.names()));
                return;
            }
            if (request.pool() != null) {
                named = true;
                routeToNamedPool(t0);
            } else {
                attempt(t0);
            }
        }

        private void routeToNamedPool(long t0) {
            Optional<Pool> p = registry.pool(request.pool());
            if (p.isEmpty()) {
                fail(t0, 0, new PoolerException(ErrorKind.NO_CAPABLE_POOL, "pool: no pool named '" + quoted(request.pool())
                        + "' (named by the request for command '" + request.command() + "'); pools: "
                        + registry.pools().stream().map(Pool::id).toList()));
                return;
            }
            Pool pool = p.get();
            if (!pool.config().supports(capability)) {
                fail(t0, 1, new PoolerException(ErrorKind.NO_CAPABLE_POOL, "pool '" + pool.id() + "' does not serve command '"
                        + request.command() + "' (capability '" + capability + "')", pool.id()));
                return;
            }
            dispatch(pool, NAMED, null, clock.getAsLong() - t0, 1);
        }

        private void attempt(long t0) {
            List<Pool> candidates = candidates();
            int n = candidates.size();
            if (n == 0) {
                if (placement != null && placement.strength() == AffinityStrength.PINNED && lastError == null) {
                    fail(t0, 0, pinnedAway());
                } else if (lastError != null) {
                    result.completeExceptionally(lastError); // every capable pool refused
                } else {
                    fail(t0, 0, new PoolerException(ErrorKind.NO_CAPABLE_POOL, "no pool serves command '"
                            + request.command() + "' (capability '" + capability + "')"));
                }
                return;
            }
            List<PoolSnapshot> snapshots = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Pool p = candidates.get(i);
                snapshots.add(tracker.snapshot(p, tracker.track(p.id()), t0, p.remoteNode().isPresent()
                        ? p.config().geographicZone() : p.config().zoneOn(nodeZone)));
            }
            // A session's pool outranks the zone rule: its state lives there, whatever zone that is.
            int preferred = sessionPreference(snapshots);
            if (preferred == PINNED_AWAY) {
                fail(t0, n, pinnedAway());
                return;
            }
            if (preferred >= 0) {
                dispatch(candidates.get(preferred), SESSION, null, clock.getAsLong() - t0, n);
                return;
            }
            n = applyZoneRule(candidates, snapshots);
            String name;
            LoadBalancingStrategy strategy = request.strategy() == null ? null : strategyNamed(request.strategy());
            if (strategy != null) {
                name = RouterSettings.normalizeStrategy(request.strategy());
            } else {
                StrategyRegistry.Active a = strategies.active();
                name = a.name();
                strategy = a.strategy();
            }
            int index = -1;
            if (n == 1) {
                index = 0;
            } else if (strategy != null) {
                index = choose(strategy, name, snapshots);
            }
            if (index < 0) {
                index = LeastLoaded.indexOf(snapshots);
                if (n > 1) {
                    name = LeastLoaded.NAME;
                    strategy = null;
                }
            }
            dispatch(candidates.get(index), name, strategy, clock.getAsLong() - t0, n);
        }

        /** Narrows both lists (same order) to the caller's zone when the zone rule says so; returns how many are left. */
        private int applyZoneRule(List<Pool> candidates, List<PoolSnapshot> snapshots) {
            // A node that was given no zone (one node, or a cluster without zones) prefers none for its own callers.
            String zone = profile.zone() != null ? profile.zone()
                    : PoolConfig.DEFAULT_ZONE.equals(nodeZone) ? null : nodeZone;
            ZoneRule rule = settings.zones();
            ZoneRule.Scope scope = rule.scope(snapshots, zone);
            if (scope == ZoneRule.Scope.ALL) {
                return candidates.size();
            }
            for (int i = snapshots.size() - 1; i >= 0; i--) {
                if (!rule.keeps(scope, snapshots.get(i), zone)) {
                    snapshots.remove(i);
                    candidates.remove(i);
                }
            }
            if (scope == ZoneRule.Scope.SPILLED) {
                zoneSpills.incrementAndGet();
                long now = clock.getAsLong();
                long last = lastSpillNote.get();
                if (now - last >= WARN_EVERY && lastSpillNote.compareAndSet(last, now)) {
                    LOG.log(INFO, "every pool of zone {0} is at or past {1} requests per worker: other zones'' pools "
                            + "with room take its requests ({2} spilled so far)", quoted(zone), rule.spillLoad(),
                            zoneSpills.get());
                }
            }
            return candidates.size();
        }

        /**
         * The candidate the session's affinity asks for (an index), -1 to let the strategy choose, or
         * {@link #PINNED_AWAY} when a pinned session's pool cannot take it. Asked once, on the first attempt.
         */
        private int sessionPreference(List<PoolSnapshot> snapshots) {
            SessionRouting seam = sessionRouting;
            if (request.sessionId() == null || seam == null || tried != null) {
                return placement != null && placement.strength() == AffinityStrength.PINNED ? PINNED_AWAY : -1;
            }
            try {
                placement = seam.place(request, profile, Collections.unmodifiableList(snapshots)).orElse(null);
            } catch (RuntimeException e) {
                warn("the session-affinity service failed; routing as if it were absent", e);
                placement = null;
            }
            if (placement == null) {
                return -1;
            }
            for (int i = 0; i < snapshots.size(); i++) {
                PoolSnapshot s = snapshots.get(i);
                if (s.poolId().equals(placement.poolId())) {
                    return placement.strength() == AffinityStrength.WEAK && s.idle() == 0 ? -1 : i;
                }
            }
            return placement.strength() == AffinityStrength.PINNED ? PINNED_AWAY : -1;
        }

        private PoolerException pinnedAway() {
            return new PoolerException(ErrorKind.NO_CAPABLE_POOL, "session '" + request.sessionId() + "' is pinned to pool '"
                    + placement.poolId() + "', which cannot take command '" + request.command() + "' now", placement.poolId());
        }

        /** The strategy's pick as an index into the candidates, or -1 when it failed or picked none of them. */
        private int choose(LoadBalancingStrategy strategy, String name, List<PoolSnapshot> snapshots) {
            PoolSnapshot pick;
            try {
                pick = strategy.select(Collections.unmodifiableList(snapshots), profile);
            } catch (RuntimeException e) {
                warn("strategy " + name + " failed; the router chose by load", e);
                return -1;
            }
            for (int i = 0; i < snapshots.size(); i++) {
                if (snapshots.get(i) == pick) {
                    return i;
                }
            }
            if (pick != null) {
                for (int i = 0; i < snapshots.size(); i++) {
                    if (snapshots.get(i).poolId().equals(pick.poolId())) {
                        return i;
                    }
                }
            }
            warn("strategy " + name + " chose no candidate; the router chose by load", null);
            return -1;
        }

        /** The pools that may take the request now ({@link CandidatePools}, the one rule). */
        private List<Pool> candidates() {
            List<Pool> all = registry.pools();
            if (all.isEmpty() && tried == null) {
                all = defaultPool();
            }
            return CandidatePools.of(all, request.command(), capability, poolType, tried);
        }

        private List<Pool> defaultPool() {
            try {
                return List.of(registry.defaultPool());
            } catch (RuntimeException e) {
                return List.of();
            }
        }

        private void dispatch(Pool pool, String strategy, LoadBalancingStrategy chosenBy, long decisionNanos, int candidates) {
            poolId = pool.id();
            track = tracker.track(poolId);
            strategyName = strategy;
            chooser = chosenBy;
            pending = new RoutingDecision(System.currentTimeMillis(), request.command(), capability, strategy, poolId,
                    candidates, decisionNanos, "pending");
            seq = decisions.add(pending);
            decisionTimes.of(strategy).record(decisionNanos);
            postRouted(poolId, decisionNanos, strategy, profile);
            track.inFlight.incrementAndGet();
            dispatchedAt = clock.getAsLong();
            CompletionStage<Response> stage;
            try {
                if (cancelled) {
                    stage = CompletableFuture.failedFuture(new PoolerException(ErrorKind.CANCELLED,
                            "the request was cancelled by its caller before it reached a pool", poolId, null, false));
                } else if (stream != null) {
                    dev.pooler.api.ResponseStream inner = pool.stream(request);
                    stream.attach(inner);
                    stage = inner.result();
                } else {
                    stage = pool.execute(request);
                }
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            inFlight = stage;
            if (cancelled && stage != null) {
                cancelInFlight(); // a cancel that came while this attempt was being dispatched
            }
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new PoolerException(ErrorKind.WORKER_ERROR,
                        "pool '" + poolId + "' gave no answer", poolId));
            }
            stage.whenComplete(this);
        }

        /** The pool answered (or failed). Must not throw. */
        @Override
        public void accept(Response response, Throwable error) {
            try {
                settle(response, error);
            } catch (Throwable t) {
                result.completeExceptionally(PoolerException.of(t));
            }
        }

        private void settle(Response response, Throwable error) {
            long now = clock.getAsLong();
            track.inFlight.decrementAndGet();
            if (error == null && response != null) {
                track.outcome(null);
                history.record(request.command(), response.serviceNanos());
                feedBack(new RoutingOutcome(poolId, profile, response.queuedNanos(), response.serviceNanos(), null));
                decisions.settle(seq, pending, "ok");
                result.complete(response);
                return;
            }
            PoolerException e = error == null
                    ? new PoolerException(ErrorKind.WORKER_ERROR, "pool '" + poolId + "' answered with nothing", poolId)
                    : PoolerException.of(error);
            ErrorKind kind = e.kind();
            track.outcome(kind);
            feedBack(new RoutingOutcome(poolId, profile, 0, Math.max(0, now - dispatchedAt), kind));
            decisions.settle(seq, pending, kind.name());
            if (e.reachedWorker()) {
                runs++;
            }
            if (mayTryElsewhere(e)) {
                if (tried == null) {
                    tried = new ArrayList<>(4);
                }
                tried.add(poolId);
                lastError = e;
                attempt(now);
                return;
            }
            result.completeExceptionally(e);
        }

        /**
         * The retry rule, in one place: a request that never reached a worker may try every other capable
         * pool; one that ran may run once more, elsewhere, only if it is retryable (two runs at most); a
         * named pool, or a session whose affinity forbids it, never falls back.
         */
        private boolean mayTryElsewhere(PoolerException e) {
            ErrorKind kind = e.kind();
            if (named || !kind.retryableElsewhere() || cancelled) {
                return false;
            }
            if (stream != null && stream.inner() != null && stream.inner().chunksReceived() > 0) {
                return false; // chunks of this attempt arrived: running it again would send them twice
            }
            if (placement != null && placement.poolId().equals(poolId) && !placement.strength().mayLeaveAfter(kind)) {
                return false;
            }
            return !e.reachedWorker() || (request.retryable() && runs < 2);
        }

        /** Outcome to the strategy that chose (if it is still the one bound under its name) and to the affinity seam. */
        private void feedBack(RoutingOutcome outcome) {
            LoadBalancingStrategy s = chooser;
            if (s != null && strategies.get(strategyName) == s) {
                try {
                    s.recordOutcome(outcome);
                } catch (RuntimeException e) {
                    warn("strategy " + strategyName + " failed to record an outcome", e);
                }
            }
            SessionRouting seam = sessionRouting;
            if (request.sessionId() != null && seam != null) {
                try {
                    seam.outcome(request, outcome);
                } catch (RuntimeException e) {
                    warn("the session-affinity service failed to record an outcome", e);
                }
            }
        }

        /** The caller cancelled: the attempt in flight is cancelled (answered CANCELLED); no new one starts. */
        boolean cancel() {
            if (result.isDone()) {
                return false;
            }
            cancelled = true;
            cancelInFlight();
            return true;
        }

        private void cancelInFlight() {
            RoutedStream s = stream;
            dev.pooler.api.ResponseStream inner = s == null ? null : s.inner();
            if (inner != null) {
                inner.cancel();
                return;
            }
            CompletionStage<Response> stage = inFlight;
            if (stage != null) {
                stage.toCompletableFuture().cancel(true);
            }
        }

        private void fail(long t0, int candidates, PoolerException e) {
            RoutingDecision d = new RoutingDecision(System.currentTimeMillis(), request.command(), capability,
                    strategies.active().name(), null, candidates, clock.getAsLong() - t0, e.kind().name());
            decisions.add(d);
            decisionTimes.of(d.strategy()).record(d.decisionNanos());
            result.completeExceptionally(e);
        }
    }

    /** A caller's text in a message: cut short, so that what follows it (what exists) is always read. */
    static String quoted(String callerText) {
        return callerText.length() <= 64 ? callerText : callerText.substring(0, 64) + "…";
    }

    /** The strategy a request names, by its name as given or normalized; null when none such is present. */
    private LoadBalancingStrategy strategyNamed(String wanted) {
        LoadBalancingStrategy s = strategies.get(wanted);
        return s != null ? s : strategies.get(RouterSettings.normalizeStrategy(wanted));
    }
}
