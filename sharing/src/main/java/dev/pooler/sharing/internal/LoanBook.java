package dev.pooler.sharing.internal;

import dev.pooler.api.WorkerInfo;
import dev.pooler.api.metrics.DurationStats;
import dev.pooler.api.sharing.Loan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the sharing service remembers about loans: when each began and why, when each worker last moved
 * (the anti-flapping rule), owner/borrower pairs a worker could not serve, and the figures of the
 * worker-sharing metrics. The pools themselves say which workers are lent; {@link #sync} aligns the book
 * with them. Thread-safe.
 */
final class LoanBook {

    private static final int DURATIONS_KEPT = 1000;

    private record Entry(Loan loan, int borrowerQueuedAtStart) {
    }

    private final Map<String, Entry> active = new HashMap<>();
    private final Map<String, Long> lastMovedAt = new HashMap<>();
    private final Map<String, Long> lastReturnTo = new HashMap<>();
    private final Set<String> incompatible = new HashSet<>();
    private final Deque<Long> durations = new ArrayDeque<>();
    private long loansEnded;
    private long loansEffective;
    private long migrations;
    private long migrationsSucceeded;

    synchronized void loanStarted(WorkerInfo worker, String reason, int borrowerQueued, long nowMs) {
        active.put(worker.workerId(), new Entry(new Loan(worker.workerId(), worker.ownerPool(), worker.servingPool(), nowMs, reason),
                borrowerQueued));
        lastMovedAt.put(worker.workerId(), nowMs);
    }

    synchronized void moved(String workerId, long nowMs) {
        lastMovedAt.put(workerId, nowMs);
    }

    /** A loan ended (the worker went home); {@code borrowerQueued} is the borrower's queue now. */
    synchronized void loanEnded(String workerId, String borrower, int borrowerQueued, long nowMs) {
        lastMovedAt.put(workerId, nowMs);
        lastReturnTo.put(borrower, nowMs);
        Entry e = active.remove(workerId);
        if (e != null) {
            end(e, borrowerQueued, nowMs);
        }
    }

    private void end(Entry e, int borrowerQueued, long nowMs) {
        loansEnded++;
        if (borrowerQueued <= e.borrowerQueuedAtStart()) {
            loansEffective++;
        }
        durations.addLast(Math.max(0, nowMs - e.loan().sinceMillis()));
        while (durations.size() > DURATIONS_KEPT) {
            durations.removeFirst();
        }
    }

    /**
     * Aligns the book with the workers the pools report as lent: a lent worker the book does not know
     * (lent before this service started, or by hand through the exchange) is entered now; a loan whose
     * worker is no longer lent (it died, its pool stopped) is closed.
     */
    synchronized void sync(List<WorkerInfo> lentWorkers, long nowMs) {
        Set<String> seen = new HashSet<>();
        for (WorkerInfo w : lentWorkers) {
            seen.add(w.workerId());
            Entry e = active.get(w.workerId());
            if (e == null || !e.loan().borrowerPool().equals(w.servingPool())) {
                active.put(w.workerId(), new Entry(new Loan(w.workerId(), w.ownerPool(), w.servingPool(), nowMs,
                        "found lent"), Integer.MAX_VALUE));
            }
        }
        for (var it = active.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!seen.contains(e.getKey())) {
                it.remove();
                end(e.getValue(), Integer.MAX_VALUE, nowMs);
            }
        }
    }

    synchronized List<Loan> loans() {
        List<Loan> out = new ArrayList<>();
        for (Entry e : active.values()) {
            out.add(e.loan());
        }
        out.sort(java.util.Comparator.comparing(Loan::borrowerPool).thenComparing(Loan::workerId));
        return out;
    }

    /** When the worker's loan began, or -1 if it is not lent. */
    synchronized long loanStartedAt(String workerId) {
        Entry e = active.get(workerId);
        return e == null ? -1 : e.loan().sinceMillis();
    }

    /** When the worker last moved between pools, or -1 if never (as far as this book knows). */
    synchronized long lastMovedAt(String workerId) {
        return lastMovedAt.getOrDefault(workerId, -1L);
    }

    /** When the borrower last gave a worker back, or -1. */
    synchronized long lastReturnTo(String borrower) {
        return lastReturnTo.getOrDefault(borrower, -1L);
    }

    synchronized void markIncompatible(String ownerPool, String borrowerPool, String borrowerAdapter) {
        incompatible.add(ownerPool + "->" + borrowerPool + "|" + borrowerAdapter);
    }

    synchronized boolean incompatible(String ownerPool, String borrowerPool, String borrowerAdapter) {
        return incompatible.contains(ownerPool + "->" + borrowerPool + "|" + borrowerAdapter);
    }

    synchronized void migrationAttempted(boolean succeeded) {
        migrations++;
        if (succeeded) {
            migrationsSucceeded++;
        }
    }

    /** Share of ended loans after which the borrower's queue was no longer than when it began (1 when none ended). */
    synchronized double sharingEfficiency() {
        return loansEnded == 0 ? 1.0 : (double) loansEffective / loansEnded;
    }

    /** Share of moves that completed without a rollback (1 when none was tried). */
    synchronized double migrationSuccessRate() {
        return migrations == 0 ? 1.0 : (double) migrationsSucceeded / migrations;
    }

    synchronized DurationStats durationStats() {
        if (durations.isEmpty()) {
            return DurationStats.EMPTY;
        }
        long[] d = durations.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = java.util.Arrays.stream(d).average().orElse(0);
        int p95 = (int) Math.min(d.length - 1, Math.ceil(0.95 * d.length) - 1);
        return new DurationStats(d.length, mean, d[d.length - 1], d[Math.max(0, p95)]);
    }
}
