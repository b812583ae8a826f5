package dev.pooler.sharing.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolerException;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import dev.pooler.api.metrics.WorkerSharingMetricsSource;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.sharing.Loan;
import dev.pooler.api.sharing.SharingAgreement;
import dev.pooler.api.sharing.SharingRecommendation;
import dev.pooler.api.sharing.WorkerMigration;
import dev.pooler.api.sharing.WorkerSharing;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
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
 * The worker-sharing service: loans ({@link WorkerSharing}), live migration ({@link WorkerMigration},
 * handed to {@link LiveMigration}) and the worker-sharing metrics, as one component because all three
 * read and write one {@link LoanBook}. It runs the {@link Rebalancer} on its own thread. When it stops
 * (bundle stopped or updated, core restarted, configuration deleted) every lent worker goes home first.
 */
@Component(service = {WorkerSharing.class, WorkerMigration.class, WorkerSharingMetricsSource.class},
        configurationPid = SharingLimits.PID, immediate = true)
@Designate(ocd = SharingConfiguration.class)
public final class WorkerSharingService implements WorkerSharing, WorkerMigration, WorkerSharingMetricsSource {

    private static final System.Logger LOG = System.getLogger(WorkerSharingService.class.getName());
    /** How long stopping waits for the lent workers to get home. */
    static final long GIVE_BACK_WAIT_MS = 60_000;

    private final WorkerExchange exchange;
    private final PoolRegistry registry;
    private final RequestRouter router;
    private final LongSupplier clock = System::currentTimeMillis;
    private final LoanBook book = new LoanBook();
    private final LoadHistory history = new LoadHistory();
    private final List<SharingAgreement> agreements = new CopyOnWriteArrayList<>();
    private final LoanMover mover;
    private final LiveMigration migration;
    private final Rebalancer rebalancer;
    private final ScheduledExecutorService timer;
    private volatile SharingLimits limits;

    private final OptionalEventAdmin eventAdmin = new OptionalEventAdmin();

    @Activate
    public WorkerSharingService(@Reference WorkerExchange exchange, @Reference PoolRegistry registry,
                                @Reference RequestRouter router, SharingConfiguration config) {
        this.exchange = exchange;
        this.registry = registry;
        this.router = router;
        this.limits = SharingLimits.DEFAULTS;
        apply(config);
        this.mover = new LoanMover(exchange, registry, book, this::post, clock);
        this.migration = new LiveMigration(exchange, registry, book, clock, () -> router.loadBalancing().workerSharingEnabled());
        this.rebalancer = new Rebalancer(registry, router::loadBalancing, () -> limits, () -> List.copyOf(agreements),
                book, history, mover, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pooler-sharing");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(rebalancer::tick, Rebalancer.TICK_MS, Rebalancer.TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Modified
    void modified(SharingConfiguration config) {
        apply(config);
    }

    /** Takes a configuration, or refuses it (keeping the limits in force) with a log line and an event naming the field. */
    private void apply(SharingConfiguration config) {
        try {
            limits = SharingLimits.from(config);
        } catch (InvalidConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "configuration " + SharingLimits.PID + " refused, field " + e.field()
                    + ": " + e.getMessage() + "; the limits in force stay");
            post(PoolerEvents.CONFIG_REJECTED, Map.of("pid", SharingLimits.PID, PoolerEvents.FIELD, e.field(),
                    PoolerEvents.MESSAGE, e.getMessage()));
        }
    }

    SharingLimits limits() {
        return limits;
    }

    @Deactivate
    public void deactivate() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(LoanMover.DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        giveAllBack();
    }

    /** Sends every lent worker home at once; its running request travels with it and is still answered. */
    private void giveAllBack() {
        List<CompletableFuture<WorkerInfo>> back = new ArrayList<>();
        for (WorkerInfo w : lentWorkers()) {
            back.add(exchange.giveBack(w.workerId(), WorkerExchange.Mode.IMMEDIATE, LoanMover.DEADLINE).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(back.toArray(CompletableFuture[]::new)).get(GIVE_BACK_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(System.Logger.Level.WARNING, "not every lent worker got home while sharing stopped: " + e);
        }
        if (!back.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "worker sharing stopped: {0} lent worker(s) sent home", back.size());
        }
    }

    private List<WorkerInfo> lentWorkers() {
        List<WorkerInfo> out = new ArrayList<>();
        for (Pool p : registry.pools()) {
            for (WorkerInfo w : p.workers()) {
                if (w.lent()) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** Event Admin is optional: its type is named only in this annotation, which the JVM never loads. */
    @Reference(service = EventAdmin.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.bind(ea);
    }

    void unbindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.unbind(ea);
    }

    private void post(String topic, Map<String, Object> properties) {
        eventAdmin.post(topic, properties);
    }

    private SharingPlanner planner() {
        return new SharingPlanner(limits, router.loadBalancing(), book, List.copyOf(agreements));
    }

    // ---- WorkerSharing ----

    @Override
    public SharingAgreement enableSharingBetween(String poolA, String poolB, int maxWorkers) {
        SharingAgreement a;
        try {
            a = new SharingAgreement(poolA, poolB, maxWorkers);
        } catch (IllegalArgumentException e) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, e.getMessage());
        }
        pool(a.poolA());
        pool(a.poolB());
        agreements.removeIf(x -> x.between(a.poolA(), a.poolB()));
        if (maxWorkers > 0) {
            agreements.add(a);
        }
        return a;
    }

    @Override
    public List<SharingAgreement> agreements() {
        return List.copyOf(agreements);
    }

    @Override
    public CompletionStage<List<Loan>> requestWorkerLoan(String requestingPool, String donorPool, int workers) {
        List<PlannedMove> moves;
        try {
            moves = planLoan(requestingPool, donorPool, workers);
        } catch (PoolerException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<WorkerInfo>> running = moves.stream().map(mover::execute).toList();
        return CompletableFuture.allOf(running.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .thenApply(x -> {
                    List<Loan> made = new ArrayList<>();
                    Throwable first = null;
                    for (CompletableFuture<WorkerInfo> f : running) {
                        try {
                            WorkerInfo w = f.join();
                            made.add(new Loan(w.workerId(), w.ownerPool(), w.servingPool(), book.loanStartedAt(w.workerId()),
                                    "requested by " + requestingPool));
                        } catch (RuntimeException e) {
                            first = first == null ? e : first;
                        }
                    }
                    if (made.isEmpty()) {
                        throw PoolerException.of(first);
                    }
                    return made;
                });
    }

    private List<PlannedMove> planLoan(String borrowerId, String donorId, int workers) {
        if (workers < 1) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "workers: must be 1 or more, was " + workers);
        }
        Pool borrower = pool(borrowerId);
        Pool donor = pool(donorId);
        if (!router.loadBalancing().workerSharingEnabled()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "worker sharing is switched off (dev.pooler.loadbalancing "
                    + "worker.sharing.enabled=false): nothing is lent");
        }
        if (borrowerId.equals(donorId)) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "donor_pool: a pool cannot lend to itself ('" + donorId + "')");
        }
        for (Pool p : List.of(borrower, donor)) {
            if (p.config().sharingPolicy() == SharingPolicy.STRICT) {
                throw new PoolerException(ErrorKind.BAD_REQUEST, "pool " + p.id() + " is strict (sharing.policy): it never lends nor borrows");
            }
        }
        if (donor.stats().borrowed() > 0) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "donor_pool: " + donorId + " has borrowed workers itself: it does not lend");
        }
        long now = clock.getAsLong();
        PoolView d = PoolView.of(donor, history.trend(donorId, now));
        PoolView b = PoolView.of(borrower, history.trend(borrowerId, now));
        List<WorkerInfo> lendable = planner().lendable(d, b, now, new SharingPlanner.Planned());
        if (lendable.isEmpty()) {
            SharingLimits l = limits;
            throw new PoolerException(ErrorKind.BAD_REQUEST, "no worker of " + donorId + " may be lent to " + borrowerId + " now: it has "
                    + d.stats().idle() + " idle of " + d.stats().workers() + " (" + d.stats().lent() + " lent; max_shared_percentage "
                    + l.maxSharedPercentage() + " of size " + donor.config().size() + " allows " + l.maxLent(donor.config().size())
                    + "; it keeps enough workers to stay under return_threshold " + l.returnThreshold()
                    + "; a worker rests minimum_loan " + l.minimumLoan().toSeconds() + " s after a move"
                    + (l.compatibilityCheck() ? "; the compatibility check must pass" : "") + ")");
        }
        List<PlannedMove> moves = new ArrayList<>();
        for (WorkerInfo w : lendable.subList(0, Math.min(workers, lendable.size()))) {
            moves.add(new PlannedMove(w.workerId(), donorId, borrowerId, PlannedMove.Kind.LEND, WorkerExchange.Mode.GRACEFUL,
                    "requested by " + borrowerId, 1.0 / Math.max(1, b.stats().workers())));
        }
        return moves;
    }

    @Override
    public CompletionStage<WorkerInfo> returnBorrowedWorker(String workerId, String requestingPool) {
        WorkerInfo w = exchange.worker(workerId).orElse(null);
        if (w == null) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "worker: no worker '" + workerId + "'"));
        }
        if (!w.lent()) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "worker: " + workerId
                    + " is not lent: it serves its owner " + w.ownerPool()));
        }
        if (requestingPool != null && !requestingPool.equals(w.servingPool())) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "worker: " + workerId
                    + " is lent to " + w.servingPool() + ", not to " + requestingPool));
        }
        return mover.execute(new PlannedMove(workerId, w.servingPool(), w.ownerPool(), PlannedMove.Kind.RETURN,
                WorkerExchange.Mode.GRACEFUL, "returned on request", 0));
    }

    @Override
    public List<Loan> loans() {
        book.sync(lentWorkers(), clock.getAsLong());
        return book.loans();
    }

    @Override
    public List<SharingRecommendation> evaluateSharingOpportunities() {
        return planner().recommendations(rebalancer.viewsNow(), clock.getAsLong());
    }

    @Override
    public boolean rebalanceNow() {
        if (!router.loadBalancing().workerSharingEnabled()) {
            LOG.log(System.Logger.Level.INFO, "rebalance requested, but worker sharing is switched off (dev.pooler.loadbalancing worker.sharing.enabled)");
            return false;
        }
        rebalancer.requestRound();
        return true;
    }

    // ---- WorkerMigration ----

    @Override
    public CompletionStage<WorkerInfo> migrateWorker(String workerId, String fromPool, String toPool, Mode mode) {
        return migration.migrateWorker(workerId, fromPool, toPool, mode);
    }

    // ---- WorkerSharingMetricsSource ----

    @Override
    public WorkerSharingMetrics workerSharingMetrics() {
        List<Loan> loans = loans();
        Set<String> pairs = new HashSet<>();
        for (Loan l : loans) {
            pairs.add(new SharingAgreement(l.ownerPool(), l.borrowerPool(), 0).poolA() + "|"
                    + new SharingAgreement(l.ownerPool(), l.borrowerPool(), 0).poolB());
        }
        for (SharingAgreement a : agreements) {
            pairs.add(a.poolA() + "|" + a.poolB());
        }
        return new WorkerSharingMetrics(true, pairs.size(), loans.size(), book.sharingEfficiency(),
                book.migrationSuccessRate(), book.durationStats());
    }

    private Pool pool(String id) {
        if (id == null || id.isBlank()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "pool: a pool id is needed");
        }
        return registry.pool(id).orElseThrow(() -> new PoolerException(ErrorKind.NO_CAPABLE_POOL, "no pool '" + id + "'", id));
    }
}
