package dev.pooler.sharing.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.routing.LoadBalancingSettings;
import dev.pooler.api.sharing.SharingAgreement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rebalancing loop, one {@link #tick} every {@value #TICK_MS} ms on one thread: samples every pool,
 * aligns the loan book with the pools, and runs a round when one is due. A round is due every
 * {@code rebalance_interval}, and at most a second apart while a pool's queue grows, while loans are out
 * (so they come back in time), after a round that moved workers while a pool is still overloaded, or when
 * asked ({@link #requestRound}). A round plans with {@link SharingPlanner} and waits for its moves.
 */
final class Rebalancer {

    static final long TICK_MS = 250;
    static final long MIN_ROUND_GAP_MS = 1_000;

    private static final System.Logger LOG = System.getLogger(Rebalancer.class.getName());

    private final PoolRegistry registry;
    private final Supplier<LoadBalancingSettings> settings;
    private final Supplier<SharingLimits> limits;
    private final Supplier<List<SharingAgreement>> agreements;
    private final LoanBook book;
    private final LoadHistory history;
    private final LoanMover mover;
    private final LongSupplier clock;
    private final AtomicBoolean requested = new AtomicBoolean();
    private long lastRoundMs;
    private boolean lastRoundMoved;

    Rebalancer(PoolRegistry registry, Supplier<LoadBalancingSettings> settings, Supplier<SharingLimits> limits,
               Supplier<List<SharingAgreement>> agreements, LoanBook book, LoadHistory history, LoanMover mover, LongSupplier clock) {
        this.registry = registry;
        this.settings = settings;
        this.limits = limits;
        this.agreements = agreements;
        this.book = book;
        this.history = history;
        this.mover = mover;
        this.clock = clock;
        this.lastRoundMs = clock.getAsLong();
    }

    /** Asks for a round at the next tick. */
    void requestRound() {
        requested.set(true);
    }

    /** One sample, and a round if one is due. Never throws: a failed tick is logged and the next one runs. */
    void tick() {
        try {
            long now = clock.getAsLong();
            LoadBalancingSettings s = settings.get();
            SharingLimits l = limits.get();
            List<Pool> pools = registry.pools();
            List<WorkerInfo> lent = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (Pool p : pools) {
                ids.add(p.id());
                history.record(p.stats(), now, l.returnThreshold());
                for (WorkerInfo w : p.workers()) {
                    if (w.lent()) {
                        lent.add(w);
                    }
                }
            }
            history.retain(ids);
            book.sync(lent, now);
            List<PoolView> views = views(pools, now);
            SharingPlanner planner = new SharingPlanner(l, s, book, agreements.get());
            if (due(now, s, views, !lent.isEmpty())) {
                round(planner, views, now);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "rebalancing round failed; the next one will try again", e);
        }
    }

    private boolean due(long now, LoadBalancingSettings s, List<PoolView> views, boolean loansOut) {
        long since = now - lastRoundMs;
        if (requested.getAndSet(false)) {
            return true;
        }
        if (s.rebalanceIntervalMs() > 0 && since >= s.rebalanceIntervalMs()) {
            return true;
        }
        if (since < MIN_ROUND_GAP_MS) {
            return false;
        }
        if (loansOut) {
            return true;
        }
        if (!s.workerSharingEnabled()) {
            return false;
        }
        for (PoolView v : views) {
            boolean overloaded = v.stats().queued() > 0 && v.stats().utilization() >= s.migrationThreshold();
            if (overloaded && (v.trend().queueGrowing() || lastRoundMoved)) {
                return true;
            }
        }
        return false;
    }

    private void round(SharingPlanner planner, List<PoolView> views, long now) {
        lastRoundMs = now;
        List<PlannedMove> moves = planner.plan(views, now);
        lastRoundMoved = !moves.isEmpty();
        List<CompletableFuture<?>> running = new ArrayList<>();
        for (PlannedMove m : moves) {
            running.add(mover.execute(m).exceptionally(e -> null));
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                    .get(LoanMover.DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(System.Logger.Level.WARNING, "a rebalancing round did not finish its moves in time: " + e);
        }
    }

    /** Every pool as a planner sees it now. */
    List<PoolView> views(List<Pool> pools, long now) {
        List<PoolView> views = new ArrayList<>();
        for (Pool p : pools) {
            views.add(PoolView.of(p, history.trend(p.id(), now)));
        }
        return views;
    }

    List<PoolView> viewsNow() {
        return views(registry.pools(), clock.getAsLong());
    }
}
