package dev.pooler.sharing.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.sharing.Loan;
import dev.pooler.api.sharing.SharingAgreement;
import dev.pooler.api.sharing.SharingRecommendation;
import dev.pooler.api.sharing.WorkerMigration;
import dev.pooler.api.sharing.WorkerSharing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The loans, agreements and recommendations as an {@link AdminSection} (the Pools page and the
 * {@code pooler:loans}, {@code pooler:returnloan}, {@code pooler:migrate} commands), with the actions
 * "return" and "migrate". Uses only core.api services.
 */
@Component(service = AdminSection.class, property = AdminSection.SECTION + "=" + AdminSection.SHARING)
public final class SharingAdminSection implements AdminSection {

    /** How long an action waits for its move before it answers. */
    static final long ACTION_WAIT_S = 60;

    private final WorkerSharing sharing;
    private final WorkerMigration migration;
    private final WorkerExchange exchange;

    @Activate
    public SharingAdminSection(@Reference WorkerSharing sharing, @Reference WorkerMigration migration,
                               @Reference WorkerExchange exchange) {
        this.sharing = sharing;
        this.migration = migration;
        this.exchange = exchange;
    }

    @Override
    public String title() {
        return "Loans and sharing agreements";
    }

    @Override
    public List<AdminTable> tables() {
        long now = System.currentTimeMillis();
        List<List<String>> loans = new ArrayList<>();
        for (Loan l : sharing.loans()) {
            loans.add(List.of(l.workerId(), l.ownerPool(), l.borrowerPool(), (now - l.sinceMillis()) / 1000 + " s",
                    Instant.ofEpochMilli(l.sinceMillis()).toString(), l.reason()));
        }
        List<List<String>> agreements = new ArrayList<>();
        for (SharingAgreement a : sharing.agreements()) {
            agreements.add(List.of(a.poolA(), a.poolB(), Integer.toString(a.maxWorkers())));
        }
        List<List<String>> recommendations = new ArrayList<>();
        for (SharingRecommendation r : sharing.evaluateSharingOpportunities()) {
            recommendations.add(List.of(r.from(), r.to(), Integer.toString(r.workerCount()),
                    String.format(Locale.ROOT, "%.2f", r.expectedBenefit()), r.durationEstimate().toMillis() + " ms",
                    Integer.toString(r.priority())));
        }
        return List.of(
                new AdminTable("loans", "Lent workers", List.of("worker", "owner", "serving", "for", "since", "reason"), loans),
                new AdminTable("agreements", "Sharing agreements", List.of("pool", "pool", "max workers"), agreements),
                new AdminTable("recommendations", "Sharing opportunities now",
                        List.of("from", "to", "workers", "expected benefit", "duration estimate", "priority"), recommendations));
    }

    @Override
    public List<AdminAction> actions() {
        return List.of(new AdminAction(AdminAction.RETURN_LOAN, "Return", List.of("worker")),
                new AdminAction(AdminAction.MIGRATE, "Migrate", List.of("worker", "to_pool", "mode")));
    }

    @Override
    public String perform(String action, Map<String, String> parameters) {
        Map<String, String> p = parameters == null ? Map.of() : parameters;
        if (AdminAction.RETURN_LOAN.equals(action)) {
            String worker = required(p, "worker");
            WorkerInfo w = wait(sharing.returnBorrowedWorker(worker, null).toCompletableFuture());
            return "worker " + w.workerId() + " is back in " + w.servingPool();
        }
        if (AdminAction.MIGRATE.equals(action)) {
            String worker = required(p, "worker");
            String to = required(p, "to_pool");
            String modeText = p.get("mode");
            WorkerMigration.Mode mode = modeText == null || modeText.isBlank() ? WorkerMigration.Mode.GRACEFUL
                    : WorkerMigration.Mode.parse("mode", modeText);
            String from = exchange.worker(worker).map(WorkerInfo::servingPool)
                    .orElseThrow(() -> new PoolerException(ErrorKind.BAD_REQUEST, "worker: no worker '" + worker + "'"));
            WorkerInfo w = wait(migration.migrateWorker(worker, from, to, mode).toCompletableFuture());
            return "worker " + w.workerId() + " now serves " + w.servingPool() + (w.lent() ? " (lent by " + w.ownerPool() + ")" : "");
        }
        throw new PoolerException(ErrorKind.BAD_REQUEST, "action: unknown '" + action + "' (return_loan, migrate)");
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isBlank()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, name + ": missing");
        }
        return v.trim();
    }

    private static <T> T wait(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(ACTION_WAIT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw PoolerException.of(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PoolerException(ErrorKind.TIMEOUT, "the move did not finish within " + ACTION_WAIT_S + " s; it goes on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolerException(ErrorKind.SHUTTING_DOWN, "interrupted");
        }
    }
}
