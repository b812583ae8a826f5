package dev.pooler.core.impl.exchange;

import dev.pooler.api.DetachedWorker;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.pool.Transit;
import dev.pooler.core.impl.registry.PoolHost;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link WorkerExchange} of this bundle's pools. Each step holds at most one pool's lock at a
 * time (detach: the source's; adopt: the target's); the worker in between is hosted by a
 * {@link Transit}. Any failure after the detach puts the worker back where it came from; if even that
 * fails, the worker is ended and its owner replaces it — a worker is never lost to every pool.
 */
@Component(service = WorkerExchange.class)
public final class WorkerExchangeService implements WorkerExchange {

    private static final System.Logger LOG = System.getLogger(WorkerExchangeService.class.getName());

    private final PoolLookup pools;
    private final EventSink events;
    private final ScheduledExecutorService timer;
    private final Executor async;
    /** Workers between pools, by id. */
    private final Map<String, Transit> inTransit = new ConcurrentHashMap<>();

    @Activate
    public WorkerExchangeService(@Reference PoolHost host) {
        this(host, host.events(), host.runtime().scheduler(), host.runtime().answers());
    }

    public WorkerExchangeService(PoolLookup pools, EventSink events, ScheduledExecutorService timer, Executor async) {
        this.pools = pools;
        this.events = events;
        this.timer = timer;
        this.async = async;
    }

    @Override
    public CompletionStage<DetachedWorker> detach(String workerId, Mode mode, Duration deadline) {
        PythonPool from;
        try {
            from = servingPool(workerId);
        } catch (PoolerException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<DetachedWorker> result = new CompletableFuture<>();
        CompletableFuture<Transit> leaving = from.detach(workerId, mode == null ? Mode.GRACEFUL : mode);
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (from.cancelDeparture(workerId)) {
                result.completeExceptionally(new PoolerException(ErrorKind.TIMEOUT, "worker " + workerId
                        + " did not finish its request within " + deadline.toMillis() + " ms; it stays in pool " + from.id(), from.id()));
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        leaving.whenCompleteAsync((t, e) -> {
            expiry.cancel(false);
            if (e != null) {
                result.completeExceptionally(PoolerException.of(e));
                return;
            }
            inTransit.put(t.workerId(), t);
            if (!result.complete(t)) {
                rollback(t, deadline);
            }
        }, async);
        return result;
    }

    @Override
    public CompletionStage<WorkerInfo> attach(DetachedWorker worker, String poolId, Duration deadline) {
        Transit t;
        PythonPool target;
        try {
            t = transit(worker);
            target = pools.pool(poolId).orElseThrow(() -> new PoolerException(ErrorKind.NO_CAPABLE_POOL,
                    "no pool '" + poolId + "' to attach worker " + worker.workerId() + " to; pools: " + poolIds()));
        } catch (PoolerException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<WorkerInfo> result = new CompletableFuture<>();
        t.retarget(target.config(), deadline)
                .thenApplyAsync(x -> adopt(target, t), async)
                .whenCompleteAsync((info, e) -> {
                    if (e == null) {
                        result.complete(info);
                        return;
                    }
                    PoolerException why = PoolerException.of(e);
                    LOG.log(System.Logger.Level.INFO, "worker {0} could not join pool {1} ({2}); rolling back to {3}",
                            t.workerId(), poolId, why.getMessage(), t.fromPool());
                    rollback(t, deadline).whenComplete((back, e2) -> result.completeExceptionally(why));
                }, async);
        return result;
    }

    @Override
    public CompletionStage<WorkerInfo> rollback(DetachedWorker worker, Duration deadline) {
        Transit t;
        try {
            t = transit(worker);
        } catch (PoolerException e) {
            return CompletableFuture.failedFuture(e);
        }
        PythonPool back = t.from();
        CompletableFuture<Void> fit = t.fits(back.config()) ? CompletableFuture.completedFuture(null)
                : t.retarget(back.config(), deadline);
        CompletableFuture<WorkerInfo> result = new CompletableFuture<>();
        fit.thenApplyAsync(x -> adopt(back, t), async).whenCompleteAsync((info, e) -> {
            if (e == null) {
                result.complete(info);
                return;
            }
            // It cannot go back either: end it, and its owner launches a fresh one.
            inTransit.remove(t.workerId());
            t.discard("it could not return to pool " + back.id() + ": " + PoolerException.of(e).getMessage());
            result.completeExceptionally(PoolerException.of(e));
        }, async);
        return result;
    }

    @Override
    public CompletionStage<WorkerInfo> move(String workerId, String toPool, Mode mode, Duration deadline, String reason) {
        long start = System.nanoTime();
        String[] from = {null};
        String[] owner = {null};
        return detach(workerId, mode, deadline)
                .thenCompose(d -> {
                    from[0] = d.fromPool();
                    owner[0] = d.ownerPool();
                    return attach(d, toPool, deadline);
                })
                .whenComplete((info, e) -> {
                    if (from[0] == null) {
                        return; // it never left
                    }
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    events.post(PoolerEvents.WORKER_MIGRATED, Map.of(PoolerEvents.WORKER_ID, workerId,
                            PoolerEvents.FROM_POOL, from[0], PoolerEvents.TO_POOL, toPool, PoolerEvents.OWNER_POOL, owner[0],
                            PoolerEvents.MODE, (mode == null ? Mode.GRACEFUL : mode).name().toLowerCase(java.util.Locale.ROOT),
                            PoolerEvents.DURATION, ms, PoolerEvents.REASON, reason == null ? "" : reason,
                            PoolerEvents.SUCCESS, e == null));
                });
    }

    @Override
    public CompletionStage<WorkerInfo> giveBack(String workerId, Mode mode, Duration deadline) {
        Optional<WorkerInfo> w = worker(workerId);
        if (w.isEmpty()) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "no worker '" + workerId + "'"));
        }
        if (!w.get().lent()) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.BAD_REQUEST, "worker " + workerId
                    + " is not lent: it serves its owner " + w.get().ownerPool()));
        }
        return move(workerId, w.get().ownerPool(), mode, deadline, "returned to its owner");
    }

    @Override
    public Optional<WorkerInfo> worker(String workerId) {
        for (PythonPool p : pools.pools()) {
            for (WorkerInfo w : p.workers()) {
                if (w.workerId().equals(workerId)) {
                    return Optional.of(w);
                }
            }
        }
        Transit t = inTransit.get(workerId);
        return t == null ? Optional.empty() : Optional.of(t.info());
    }

    private WorkerInfo adopt(PythonPool target, Transit t) {
        WorkerInfo info = target.adopt(t);
        inTransit.remove(t.workerId(), t);
        return info;
    }

    private PythonPool servingPool(String workerId) {
        for (PythonPool p : pools.pools()) {
            for (WorkerInfo w : p.workers()) {
                if (w.workerId().equals(workerId)) {
                    return p;
                }
            }
        }
        throw new PoolerException(ErrorKind.BAD_REQUEST, "no worker '" + workerId + "' serves any pool"
                + (inTransit.containsKey(workerId) ? " (it is moving between pools)" : ""));
    }

    private static Transit transit(DetachedWorker worker) {
        if (worker instanceof Transit t) {
            return t;
        }
        throw new PoolerException(ErrorKind.BAD_REQUEST, "not a worker detached by this exchange: " + worker);
    }

    private java.util.List<String> poolIds() {
        return pools.pools().stream().map(PythonPool::id).sorted().toList();
    }
}
