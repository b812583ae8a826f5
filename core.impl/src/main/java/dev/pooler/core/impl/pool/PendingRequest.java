package dev.pooler.core.impl.pool;

import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A request inside a pool, from acceptance to its one answer. */
final class PendingRequest {

    final Request request;
    final CompletableFuture<Response> future = new ResponseFuture();
    final long enqueuedNanos = System.nanoTime();
    final long timeoutNanos;
    private final AtomicBoolean answered = new AtomicBoolean();

    /** Set when a worker takes the request (guarded by the pool's lock). */
    long sentNanos;
    long wireId;
    boolean retried;

    PendingRequest(Request request, long timeoutNanos) {
        this.request = request;
        this.timeoutNanos = timeoutNanos;
    }

    boolean isAnswered() {
        return answered.get();
    }

    /** Completes with a result; returns false if the request had already been answered. */
    boolean succeed(Response r) {
        if (answered.compareAndSet(false, true)) {
            future.complete(r);
            return true;
        }
        return false;
    }

    /** Completes with an error; returns false if the request had already been answered. */
    boolean fail(PoolerException e) {
        if (answered.compareAndSet(false, true)) {
            future.completeExceptionally(e);
            return true;
        }
        return false;
    }
}
