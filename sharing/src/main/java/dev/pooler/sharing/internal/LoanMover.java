package dev.pooler.sharing.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.events.PoolerEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.osgi.service.event.EventConstants;

/**
 * Carries out a {@link PlannedMove} through the {@link WorkerExchange} (which rolls back any failure),
 * then writes it into the {@link LoanBook} and posts {@code WORKER_SHARED}.
 */
final class LoanMover {

    private static final System.Logger LOG = System.getLogger(LoanMover.class.getName());
    /** Each step of a move (detach, re-target, attach) must finish within this. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final WorkerExchange exchange;
    private final PoolRegistry registry;
    private final LoanBook book;
    private final SharingEvents events;
    private final LongSupplier clock;

    LoanMover(WorkerExchange exchange, PoolRegistry registry, LoanBook book, SharingEvents events, LongSupplier clock) {
        this.exchange = exchange;
        this.registry = registry;
        this.book = book;
        this.events = events;
        this.clock = clock;
    }

    CompletableFuture<WorkerInfo> execute(PlannedMove m) {
        long start = clock.getAsLong();
        // Taken now: while the worker is in transit it is lent by no pool, and a sample may drop its loan
        // from the book before the move completes.
        long loanSince = m.kind() == PlannedMove.Kind.LEND ? -1 : book.loanStartedAt(m.workerId());
        return exchange.move(m.workerId(), m.to(), m.mode(), DEADLINE, m.reason()).toCompletableFuture()
                .whenComplete((info, e) -> {
                    book.migrationAttempted(e == null);
                    long now = clock.getAsLong();
                    if (e != null) {
                        PoolerException why = PoolerException.of(e);
                        if (m.kind() == PlannedMove.Kind.LEND && why.kind() == ErrorKind.WORKER_ERROR) {
                            registry.pool(m.to()).ifPresent(p -> book.markIncompatible(m.from(), m.to(), p.config().workerSpec().adapter()));
                        }
                        LOG.log(System.Logger.Level.INFO, "worker {0} did not move from {1} to {2} ({3}): {4}",
                                m.workerId(), m.from(), m.to(), m.reason(), why.getMessage());
                        return;
                    }
                    if (m.kind() == PlannedMove.Kind.LEND) {
                        book.loanStarted(info, m.reason(), queued(m.to()), now);
                        post(m, info.ownerPool(), now - start, "started");
                    } else {
                        long since = loanSince >= 0 ? loanSince : book.loanStartedAt(m.workerId());
                        book.loanEnded(m.workerId(), m.from(), queued(m.from()), now);
                        post(m, info.ownerPool(), since < 0 ? 0 : now - since, "ended");
                    }
                    LOG.log(System.Logger.Level.INFO, "worker {0} moved from {1} to {2}: {3}", m.workerId(), m.from(), m.to(), m.reason());
                });
    }

    private void post(PlannedMove m, String owner, long durationMs, String state) {
        Map<String, Object> p = new HashMap<>();
        p.put(PoolerEvents.WORKER_ID, m.workerId());
        p.put(PoolerEvents.FROM_POOL, m.from());
        p.put(PoolerEvents.TO_POOL, m.to());
        p.put(PoolerEvents.OWNER_POOL, owner);
        p.put(PoolerEvents.DURATION, durationMs);
        p.put(PoolerEvents.SHARING_REASON, m.reason());
        p.put(PoolerEvents.EFFICIENCY_GAIN, m.efficiencyGain());
        p.put(PoolerEvents.LOAN_STATE, state);
        p.put(EventConstants.TIMESTAMP, clock.getAsLong());
        events.post(PoolerEvents.WORKER_SHARED, p);
    }

    private int queued(String poolId) {
        return registry.pool(poolId).map(Pool::stats).map(s -> s.queued()).orElse(0);
    }
}
