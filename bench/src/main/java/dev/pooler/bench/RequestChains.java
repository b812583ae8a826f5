package dev.pooler.bench;

import dev.pooler.api.Pool;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A pool kept full: {@code chains} request chains, each sending its next request from the previous one's completion.
 * A slice counts the answers that arrive by its deadline; nothing is sent after it, and what is in flight drains before
 * {@link #runUntil} returns. Every answer is checked; a failed or wrong one stops the run.
 */
public final class RequestChains {

    private final Pool pool;
    private final Request request;
    private final Consumer<Response> check;
    private final int chains;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final LongAdder counted = new LongAdder();
    private final Object drained = new Object();
    private volatile long deadline;

    /** {@code check} throws {@link IllegalStateException} for a wrong answer. */
    public RequestChains(Pool pool, Request request, Consumer<Response> check, int chains) {
        this.pool = pool;
        this.request = request;
        this.check = check;
        this.chains = chains;
    }

    /** Runs the chains until {@code deadlineNanos} ({@link System#nanoTime}); returns the answers counted by then. */
    public long runUntil(long deadlineNanos) throws InterruptedException {
        counted.reset();
        deadline = deadlineNanos;
        for (int i = 0; i < chains; i++) {
            issue();
        }
        synchronized (drained) {
            while (inFlight.get() > 0) {
                drained.wait(100);
            }
        }
        Throwable e = error.get();
        if (e != null) {
            throw new IllegalStateException(pool.id() + " failed a request: " + e, e);
        }
        return counted.sum();
    }

    private void issue() {
        inFlight.incrementAndGet();
        pool.execute(request).whenComplete(this::done);
    }

    private void done(Response r, Throwable e) {
        long now = System.nanoTime();
        if (e == null) {
            try {
                check.accept(r);
            } catch (IllegalStateException wrong) {
                e = wrong;
            }
        }
        if (e != null) {
            error.compareAndSet(null, e);
        } else {
            if (now <= deadline) {
                counted.increment();
            }
            if (now < deadline) {
                issue(); // before this one leaves, so the count of requests in flight never touches 0 early
            }
        }
        if (inFlight.decrementAndGet() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }
}
