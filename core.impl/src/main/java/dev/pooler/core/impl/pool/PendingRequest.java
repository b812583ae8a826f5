package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.core.impl.histogram.DurationHistogram;
import dev.pooler.core.impl.routing.CapabilityTable;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import dev.pooler.core.impl.worker.WireIds;

/**
 * A request inside a pool, from acceptance to its one answer. It belongs to the pool that accepted it
 * (whose numbers it counts in) even when the worker running it moves to another pool.
 */
final class PendingRequest {

    private static final System.Logger LOG = System.getLogger(PendingRequest.class.getName());

    /** The request's id for cancelling it ({@link dev.pooler.api.Pool#cancel}); unique in the framework. */
    final long id = WireIds.next();
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
    /** Written through its worker's {@link Pipe} (the pool pipelines); guarded like {@code wireId}. */
    boolean piped;
    /** The session version the request runs against, and the state shipped with it (null: the worker holds it). */
    long sessionVersion;
    String sessionState;
    /** Set once the request was sent again with its session's state, after the worker said it lacked it. */
    boolean resentWithState;
    /** Its chunks' way to the caller, for a streaming request; else null. */
    final ChunkStream stream;
    /** Set when its caller cancelled it: answered CANCELLED, whatever its worker says later is dropped quietly. */
    private volatile boolean cancelled;

    /** @param canceller cancels a request of the pool by id ({@code Pool#cancel}) */
    PendingRequest(Request request, long timeoutNanos, PoolCounters counters, Executor answerExecutor, boolean streaming,
                   LongPredicate canceller) {
        this(request, timeoutNanos, counters, answerExecutor, streaming, canceller, Set.of());
    }

    /**
     * @param canceller            cancels a request of the pool by id ({@code Pool#cancel})
     * @param declaredCapabilities the pool's capabilities: a family it names is a label of its own
     */
    PendingRequest(Request request, long timeoutNanos, PoolCounters counters, Executor answerExecutor, boolean streaming,
                   LongPredicate canceller, Set<String> declaredCapabilities) {
        this.request = request;
        this.duration = counters.requestDurations.of(
                CapabilityTable.metricsFamily(CapabilityTable.capabilityOf(request), declaredCapabilities));
        this.timeoutNanos = timeoutNanos;
        this.deadlineNanos = enqueuedNanos + timeoutNanos;
        this.counters = counters;
        ResponseFuture<Response> f = new ResponseFuture<>(answerExecutor, () -> canceller.test(id));
        this.future = f;
        this.stream = streaming ? new ChunkStream(id, f, answerExecutor, canceller) : null;
    }

    boolean isCancelled() {
        return cancelled;
    }

    /**
     * Answers {@code CANCELLED}: {@code running} says whether a worker holds it (its later answer or death is then
     * dropped quietly). Returns false if it was answered already.
     */
    boolean cancel(boolean running, long nowNanos) {
        if (answers.get() > 0) {
            return false;
        }
        cancelled = true;
        return fail(new PoolerException(ErrorKind.CANCELLED, "request " + id + " ('" + request.command()
                + "') was cancelled by its caller" + (running ? " while it ran" : " while it waited in the queue"),
                counters.poolId, null, running), nowNanos);
    }

    boolean isAnswered() {
        return answers.get() > 0;
    }

    /**
     * It was written to a worker that died or was killed before it started (it waited behind another request in that
     * worker's pipe): it goes back to the queue to be sent afresh. Lock held.
     */
    void unsend() {
        wireId = 0;
        sentNanos = 0;
        piped = false;
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
        if (stream != null) {
            stream.end();
        }
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
        if (stream != null) {
            stream.end();
        }
        return true;
    }

    private boolean first() {
        int n = answers.incrementAndGet();
        if (n == 1) {
            return true;
        }
        if (cancelled) {
            return false; // the worker's late answer to a cancelled request (or its recycling): expected, not a duplicate
        }
        counters.duplicateAnswer();
        LOG.log(System.Logger.Level.WARNING, "request {0} (wire id {1}) of pool {2} was answered {3} times; later answers dropped",
                request, wireId, counters.poolId, n);
        return false;
    }
}
