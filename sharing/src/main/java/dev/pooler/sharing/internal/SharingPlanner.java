package dev.pooler.sharing.internal;

import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.routing.LoadBalancingSettings;
import dev.pooler.api.sharing.SharingAgreement;
import dev.pooler.api.sharing.SharingRecommendation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one rebalancing round: which loans end, which workers are lent where. Pure logic over
 * {@link PoolView}s, so it is tested without processes.
 *
 * <p><b>Who may lend and borrow.</b> A {@code strict} pool never lends nor borrows. A pool borrows when it
 * is overloaded: requests are queued and its utilization is at or above {@code migration_threshold}. A pool
 * lends only idle workers of its own, only while it has an empty queue, borrows nothing and is below
 * {@code return_threshold}; and never so many that the workers it keeps would reach
 * {@code return_threshold} at its current load ({@code overflow}) or at its peak demand of the last 30 s
 * ({@code adaptive}). At most {@code max_shared_percentage} of its configured size is out at once, and an
 * agreement between two pools caps the workers lent between them. Borrowers are served by priority
 * (high first), then by pressure; lenders give in reverse priority (low first), least busy first.
 *
 * <p><b>The anti-flapping rule: borrow fast, give back slowly, never bounce.</b>
 * <ol>
 *   <li>A worker moves at most once per {@code minimum_loan} (a loan lasts at least that long, and a worker
 *       that came home rests that long before it is lent again), except that a loan ends at once when
 *       sharing is switched off or a pool turns {@code strict}.</li>
 *   <li>A loan ends when it reaches {@code sharing_duration_limit}.</li>
 *   <li>A lender gets its workers back once it has been at or above {@code return_threshold} (or had a
 *       queue) for {@value #HOT_CONFIRM_MS} ms; they leave at once, their running request travelling with
 *       them. Since a pool never lends past that threshold, a loan alone never triggers its own recall.</li>
 *   <li>A borrower gives one worker back per {@code minimum_loan} once it has had an empty queue and two
 *       idle workers for {@code return_window}; it borrows only with a queue, so the two conditions cannot
 *       both hold.</li>
 *   <li>A round moves at most {@code max_moves_per_round} workers; returns go first.</li>
 * </ol>
 */
final class SharingPlanner {

    /** How long a lender must stay busy before it gets its workers back: one sample is noise. */
    static final long HOT_CONFIRM_MS = 500;

    private final SharingLimits limits;
    private final LoadBalancingSettings settings;
    private final LoanBook book;
    private final List<SharingAgreement> agreements;

    SharingPlanner(SharingLimits limits, LoadBalancingSettings settings, LoanBook book, List<SharingAgreement> agreements) {
        this.limits = limits;
        this.settings = settings;
        this.book = book;
        this.agreements = List.copyOf(agreements);
    }

    /** The moves of one round: returns first, then loans, at most {@code max_moves_per_round}. */
    List<PlannedMove> plan(List<PoolView> pools, long nowMs) {
        Map<String, PoolView> byId = index(pools);
        List<PlannedMove> moves = new ArrayList<>();
        Set<String> returnedFrom = new HashSet<>();
        for (PoolView borrower : pools) {
            for (WorkerInfo w : borrower.workers()) {
                if (moves.size() >= limits.maxMovesPerRound()) {
                    return moves;
                }
                if (!w.lent() || !movable(w)) {
                    continue;
                }
                PoolView owner = byId.get(w.ownerPool());
                if (owner == null) {
                    continue; // its owner is gone: nowhere to return it to
                }
                Optional<PlannedMove> back = returnOf(w, owner, borrower, nowMs, returnedFrom.contains(borrower.id()));
                back.ifPresent(m -> {
                    moves.add(m);
                    returnedFrom.add(borrower.id());
                });
            }
        }
        if (!settings.workerSharingEnabled()) {
            return moves;
        }
        Planned planned = new Planned();
        for (PoolView borrower : borrowers(pools, returnedFrom)) {
            int need = borrower.stats().queued();
            for (PoolView donor : donors(pools)) {
                int room = limits.maxMovesPerRound() - moves.size();
                if (need <= 0 || room <= 0) {
                    break;
                }
                List<WorkerInfo> lendable = lendable(donor, borrower, nowMs, planned);
                for (WorkerInfo w : lendable.subList(0, Math.min(lendable.size(), Math.min(need, room)))) {
                    int workersAfter = borrower.stats().workers() + planned.to(borrower.id()) + 1;
                    moves.add(new PlannedMove(w.workerId(), donor.id(), borrower.id(), PlannedMove.Kind.LEND,
                            WorkerExchange.Mode.GRACEFUL, overloadReason(borrower), 1.0 / Math.max(1, workersAfter - 1)));
                    planned.add(donor.id(), borrower.id(), w.workerId());
                    need--;
                }
            }
        }
        return moves;
    }

    /** For each overloaded pool and each pool that could lend to it now: a recommendation, best first. */
    List<SharingRecommendation> recommendations(List<PoolView> pools, long nowMs) {
        List<SharingRecommendation> out = new ArrayList<>();
        for (PoolView borrower : borrowers(pools, Set.of())) {
            for (PoolView donor : donors(pools)) {
                int count = Math.min(lendable(donor, borrower, nowMs, new Planned()).size(), borrower.stats().queued());
                if (count <= 0) {
                    continue;
                }
                double serviceMs = borrower.stats().meanServiceMs();
                long durationMs = (long) (borrower.stats().queued() * serviceMs / (borrower.stats().workers() + count));
                out.add(new SharingRecommendation(donor.id(), borrower.id(), count,
                        count / (double) Math.max(1, borrower.stats().workers()), Duration.ofMillis(durationMs),
                        priorityOf(borrower)));
            }
        }
        out.sort(Comparator.comparingInt(SharingRecommendation::priority).reversed()
                .thenComparing(Comparator.comparingDouble(SharingRecommendation::expectedBenefit).reversed()));
        return out;
    }

    private Optional<PlannedMove> returnOf(WorkerInfo w, PoolView owner, PoolView borrower, long nowMs, boolean borrowerReturnedOne) {
        String why = null;
        WorkerExchange.Mode mode = WorkerExchange.Mode.GRACEFUL;
        long started = book.loanStartedAt(w.workerId());
        long age = started < 0 ? 0 : nowMs - started;
        long sinceMove = nowMs - Math.max(started, book.lastMovedAt(w.workerId()));
        if (!settings.workerSharingEnabled()) {
            why = "worker sharing is switched off";
        } else if (owner.policy() == SharingPolicy.STRICT || borrower.policy() == SharingPolicy.STRICT) {
            why = "pool " + (owner.policy() == SharingPolicy.STRICT ? owner.id() : borrower.id()) + " is strict";
        } else if (age >= limits.sharingDurationLimit().toMillis()) {
            why = "loan expired after " + age / 1000 + " s (sharing_duration_limit " + limits.sharingDurationLimit().toSeconds() + " s)";
        } else if (sinceMove < limits.minimumLoan().toMillis()) {
            return Optional.empty();
        } else if (owner.trend().hotForMs() >= HOT_CONFIRM_MS) {
            why = String.format(Locale.ROOT, "owner %s is busy (utilization %.2f, %d queued; return_threshold %.2f)",
                    owner.id(), owner.stats().utilization(), owner.stats().queued(), limits.returnThreshold());
            mode = WorkerExchange.Mode.IMMEDIATE;
        } else if (!borrowerReturnedOne && borrower.trend().calmForMs() >= limits.returnWindow().toMillis()
                && nowMs - book.lastReturnTo(borrower.id()) >= limits.minimumLoan().toMillis()) {
            why = "pool " + borrower.id() + " no longer needs it (calm for " + borrower.trend().calmForMs() / 1000 + " s)";
        }
        return why == null ? Optional.empty() : Optional.of(new PlannedMove(w.workerId(), borrower.id(), owner.id(),
                PlannedMove.Kind.RETURN, mode, why, 0));
    }

    /** Pools that should borrow now, the first served first. */
    private List<PoolView> borrowers(List<PoolView> pools, Set<String> returning) {
        return pools.stream()
                .filter(p -> p.policy() != SharingPolicy.STRICT && p.running() && p.stats().lent() == 0)
                .filter(p -> !returning.contains(p.id()))
                .filter(p -> p.stats().queued() > 0 && p.stats().utilization() >= settings.migrationThreshold())
                .sorted(Comparator.comparingInt((PoolView p) -> p.config().priority().ordinal())
                        .thenComparing(Comparator.comparingDouble(PoolView::pressure).reversed())
                        .thenComparing(PoolView::id))
                .toList();
    }

    /** Pools that may lend now, the first asked first. */
    private List<PoolView> donors(List<PoolView> pools) {
        return pools.stream()
                .filter(p -> p.policy() != SharingPolicy.STRICT && p.running() && p.stats().borrowed() == 0)
                .filter(p -> p.stats().queued() == 0 && p.trend().hotForMs() < 0)
                .sorted(Comparator.comparingInt((PoolView p) -> -p.config().priority().ordinal())
                        .thenComparingDouble(p -> p.stats().utilization())
                        .thenComparing(PoolView::id))
                .toList();
    }

    /** The donor's workers that may go to the borrower now, given what this round already planned. */
    List<WorkerInfo> lendable(PoolView donor, PoolView borrower, long nowMs, Planned planned) {
        if (donor.id().equals(borrower.id())) {
            return List.of();
        }
        if (limits.compatibilityCheck()) {
            if (!donor.config().workerSpec().python().equals(borrower.config().workerSpec().python())
                    || book.incompatible(donor.id(), borrower.id(), borrower.config().workerSpec().adapter())) {
                return List.of();
            }
        }
        int byShare = limits.maxLent(donor.config().size()) - donor.stats().lent() - planned.from(donor.id());
        double demand = donor.policy() == SharingPolicy.ADAPTIVE
                ? Math.max(donor.stats().busy(), donor.trend().peakDemand()) : donor.stats().busy();
        int keep = (int) Math.floor(demand / limits.returnThreshold() + 1e-9) + 1;
        int byThreshold = donor.stats().workers() - planned.from(donor.id()) - keep;
        int byAgreement = Integer.MAX_VALUE;
        for (SharingAgreement a : agreements) {
            if (a.between(donor.id(), borrower.id())) {
                byAgreement = a.maxWorkers() - lentBetween(donor, borrower) - planned.between(donor.id(), borrower.id());
            }
        }
        int count = Math.min(byShare, Math.min(byThreshold, byAgreement));
        if (count <= 0) {
            return List.of();
        }
        List<WorkerInfo> idle = donor.workers().stream()
                .filter(w -> w.state() == WorkerState.IDLE && !w.lent() && w.ownerPool().equals(donor.id()))
                .filter(w -> !planned.contains(w.workerId()))
                .filter(w -> rested(w, nowMs))
                .sorted(Comparator.comparingLong(WorkerInfo::requestsServed).thenComparing(WorkerInfo::workerId))
                .toList();
        return idle.subList(0, Math.min(count, idle.size()));
    }

    private boolean rested(WorkerInfo w, long nowMs) {
        long moved = book.lastMovedAt(w.workerId());
        return moved < 0 || nowMs - moved >= limits.minimumLoan().toMillis();
    }

    private static int lentBetween(PoolView a, PoolView b) {
        int n = 0;
        for (WorkerInfo w : b.workers()) {
            n += w.ownerPool().equals(a.id()) ? 1 : 0;
        }
        for (WorkerInfo w : a.workers()) {
            n += w.ownerPool().equals(b.id()) ? 1 : 0;
        }
        return n;
    }

    private static boolean movable(WorkerInfo w) {
        return w.state() == WorkerState.IDLE || w.state() == WorkerState.BUSY;
    }

    private String overloadReason(PoolView p) {
        return String.format(Locale.ROOT, "pool %s overloaded (%d queued, utilization %.2f >= migration_threshold %.2f)",
                p.id(), p.stats().queued(), p.stats().utilization(), settings.migrationThreshold());
    }

    private static int priorityOf(PoolView borrower) {
        int byPriority = (3 - borrower.config().priority().ordinal()) * 100;
        return byPriority + (int) Math.min(99, Math.round(borrower.pressure() * 10));
    }

    private static Map<String, PoolView> index(List<PoolView> pools) {
        Map<String, PoolView> m = new HashMap<>();
        for (PoolView p : pools) {
            m.put(p.id(), p);
        }
        return m;
    }

    /** What a round has planned so far. */
    static final class Planned {
        private final Map<String, Integer> from = new HashMap<>();
        private final Map<String, Integer> to = new HashMap<>();
        private final Map<String, Integer> pairs = new HashMap<>();
        private final Set<String> workers = new HashSet<>();

        void add(String donor, String borrower, String workerId) {
            from.merge(donor, 1, Integer::sum);
            to.merge(borrower, 1, Integer::sum);
            pairs.merge(new SharingAgreement(donor, borrower, 0).poolA() + "|" + new SharingAgreement(donor, borrower, 0).poolB(), 1, Integer::sum);
            workers.add(workerId);
        }

        int from(String pool) {
            return from.getOrDefault(pool, 0);
        }

        int to(String pool) {
            return to.getOrDefault(pool, 0);
        }

        int between(String a, String b) {
            SharingAgreement key = new SharingAgreement(a, b, 0);
            return pairs.getOrDefault(key.poolA() + "|" + key.poolB(), 0);
        }

        boolean contains(String workerId) {
            return workers.contains(workerId);
        }
    }
}
