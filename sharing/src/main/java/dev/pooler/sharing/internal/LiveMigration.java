package dev.pooler.sharing.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolerException;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.sharing.WorkerMigration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * {@link WorkerMigration}: checks that a migration is allowed, then moves the worker through the
 * {@link WorkerExchange}, which rolls any failure back. {@code SESSION_AWARE} moves a worker only where it
 * needs no re-targeting (same adapter, interpreter, environment and specialization), since re-targeting
 * clears the sessions a worker holds; it leaves gracefully, so no request is running when it moves.
 */
final class LiveMigration implements WorkerMigration {

    private final WorkerExchange exchange;
    private final PoolRegistry registry;
    private final LoanBook book;
    private final LongSupplier clock;
    private final BooleanSupplier sharingEnabled;

    LiveMigration(WorkerExchange exchange, PoolRegistry registry, LoanBook book, LongSupplier clock, BooleanSupplier sharingEnabled) {
        this.exchange = exchange;
        this.registry = registry;
        this.book = book;
        this.clock = clock;
        this.sharingEnabled = sharingEnabled;
    }

    @Override
    public CompletionStage<WorkerInfo> migrateWorker(String workerId, String fromPool, String toPool, Mode mode) {
        WorkerExchange.Mode how;
        try {
            how = check(workerId, fromPool, toPool, mode);
        } catch (PoolerException e) {
            return CompletableFuture.failedFuture(e);
        }
        String reason = "migrated on request (" + mode.name().toLowerCase(Locale.ROOT) + ")";
        boolean wasLent = exchange.worker(workerId).map(WorkerInfo::lent).orElse(false);
        return exchange.move(workerId, toPool, how, LoanMover.DEADLINE, reason).whenComplete((info, e) -> {
            book.migrationAttempted(e == null);
            if (e != null) {
                return;
            }
            long now = clock.getAsLong();
            if (wasLent) {
                book.loanEnded(workerId, fromPool, queued(fromPool), now);
            }
            if (info.lent()) {
                book.loanStarted(info, reason, queued(toPool), now);
            } else {
                book.moved(workerId, now);
            }
        });
    }

    private WorkerExchange.Mode check(String workerId, String fromPool, String toPool, Mode mode) {
        if (mode == null) {
            throw bad("mode: must be graceful, immediate or session_aware");
        }
        WorkerInfo w = exchange.worker(workerId).orElseThrow(() -> bad("worker: no worker '" + workerId + "'"));
        if (!w.servingPool().equals(fromPool)) {
            throw bad("from_pool: worker " + workerId + " serves " + w.servingPool() + ", not " + fromPool);
        }
        if (Objects.equals(fromPool, toPool)) {
            throw bad("to_pool: worker " + workerId + " already serves " + toPool);
        }
        Pool to = registry.pool(toPool).orElseThrow(() -> new PoolerException(ErrorKind.NO_CAPABLE_POOL,
                "to_pool: no pool '" + toPool + "'", toPool));
        Pool from = registry.pool(fromPool).orElseThrow(() -> new PoolerException(ErrorKind.NO_CAPABLE_POOL,
                "from_pool: no pool '" + fromPool + "'", fromPool));
        if (!toPool.equals(w.ownerPool())) {
            if (!sharingEnabled.getAsBoolean()) {
                throw bad("to_pool: worker sharing is switched off (dev.pooler.loadbalancing worker.sharing.enabled=false): "
                        + "a worker may only go back to its owner " + w.ownerPool());
            }
            if (to.config().sharingPolicy() == SharingPolicy.STRICT) {
                throw bad("to_pool: pool " + toPool + " is strict (sharing.policy): it never borrows workers");
            }
            Pool owner = registry.pool(w.ownerPool()).orElse(from);
            if (owner.config().sharingPolicy() == SharingPolicy.STRICT) {
                throw bad("worker: its owner " + owner.id() + " is strict (sharing.policy): its workers are never lent");
            }
        }
        if (mode == Mode.SESSION_AWARE) {
            String differs = retargetNeeded(from.config(), to.config());
            if (differs != null) {
                throw bad("mode: session_aware refuses to move worker " + workerId + ": pool " + toPool + " has another "
                        + differs + ", so the worker would be re-targeted and lose its sessions (use graceful or immediate)");
            }
            return WorkerExchange.Mode.GRACEFUL;
        }
        return mode == Mode.IMMEDIATE ? WorkerExchange.Mode.IMMEDIATE : WorkerExchange.Mode.GRACEFUL;
    }

    /** What makes a worker of {@code a} need re-targeting to serve {@code b}, or null. */
    static String retargetNeeded(PoolConfig a, PoolConfig b) {
        if (!a.workerSpec().adapter().equals(b.workerSpec().adapter())) {
            return "adapter";
        }
        if (!a.workerSpec().python().equals(b.workerSpec().python())) {
            return "Python interpreter";
        }
        if (!a.workerSpec().env().equals(b.workerSpec().env())) {
            return "environment";
        }
        if (!Objects.equals(a.specialization(), b.specialization())) {
            return "specialization";
        }
        return null;
    }

    private int queued(String poolId) {
        return registry.pool(poolId).map(p -> p.stats().queued()).orElse(0);
    }

    private static PoolerException bad(String message) {
        return new PoolerException(ErrorKind.BAD_REQUEST, message);
    }
}
