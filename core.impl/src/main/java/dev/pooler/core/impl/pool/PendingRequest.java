package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.core.impl.histogram.DurationHistogram;
import dev.pooler.core.impl.routing.CapabilityTable;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request inside a pool, from acceptance to its one answer. It belongs to the pool that accepted it
 * (whose numbers it counts in) even when the worker running it moves to another pool.
 */
final class PendingRequest {

    private static final System.Logger LOG = System.getLogger(PendingRequest.class.getName());

    final Request request;
    final PoolCounters counters;
    /** The request-duration histogram of its command family, chosen once at acceptance. */
    final DurationHistogram duration;
    final CompletableFuture<Response> future;
    final long enqueuedNanos = System.nanoTime();
    final long timeoutNanos;
    /** Enqueued + timeout: time in the queue counts against the request's timeout. */
    final long deadlineNanos;
    /** How many times something tried to answer it: exactly once is the contract, counted at the source. */
    private final AtomicInteger answers = new AtomicInteger();

    /** Set when a worker takes the request (guarded by the lock of the worker's host). */
    long sentNanos;
    long wireId;
    /** The session version the request runs against, and the state shipped with it (null: the worker holds it). */
    long sessionVersion;
    String sessionState;
    /** Set once the request was sent again with its session's state, after the worker said it lacked it. */
    boolean resentWithState;

    PendingRequest(Request request, long timeoutNanos, PoolCounters counters, Executor answerExecutor) {
        this(request, timeoutNanos, counters, answerExecutor, Set.of());
    }

    /** @param declaredCapabilities the pool's capabilities: a family it names is a label of its own */
    PendingRequest(Request request, long timeoutNanos, PoolCounters counters, Executor answerExecutor,
                   Set<String> declaredCapabilities) {
        this.request = request;
        this.duration = counters.requestDurations.of(
                CapabilityTable.metricsFamily(CapabilityTable.capabilityOf(request), declaredCapabilities));
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = enqueuedNanos + timeoutNanos;
        this.counters = counters;
        this.future = new ResponseFuture<>(answerExecutor);
    }

    boolean isAnswered() {
        return answers.get() > 0;
    }

    /** Whether a worker took it. */
    boolean sent() {
        return wireId != 0;
    }

    /** Answers with the worker's result; returns false (and counts a duplicate) if it was answered already. */
    boolean succeed(String workerId, JsonElement result, long nowNanos) {
        if (!first()) {
            return false;
        }
        long queued = sentNanos - enqueuedNanos;
        long service = nowNanos - sentNanos;
        counters.succeeded(duration, queued, service);
        future.complete(new Response(counters.poolId, workerId, result, queued, service));
        return true;
    }

    /** Answers with an error; returns false (and counts a duplicate) if it was answered already. */
    boolean fail(PoolerException e, long nowNanos) {
        if (!first()) {
            return false;
        }
        counters.failed(e.kind(), duration, sent() ? sentNanos - enqueuedNanos : nowNanos - enqueuedNanos,
                sent() ? nowNanos - sentNanos : -1);
        future.completeExceptionally(e);
        return true;
    }

    private boolean first() {
        int n = answers.incrementAndGet();
        if (n == 1) {
            return true;
        }
        counters.duplicateAnswer();
        LOG.log(System.Logger.Level.WARNING, "request {0} (wire id {1}) of pool {2} was answered {3} times; later answers dropped",
                request, wireId, counters.poolId, n);
        return false;
    }
}
