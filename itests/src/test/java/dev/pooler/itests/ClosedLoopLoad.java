package dev.pooler.itests;

import dev.pooler.api.Pool;
import dev.pooler.api.Request;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A closed-loop load on one pool: {@code concurrency} requests outstanding at all times, each answer
 * followed by the next request. Answers are counted at the source, each request's own future.
 */
final class ClosedLoopLoad implements AutoCloseable {

    private final Pool pool;
    private final Supplier<Request> request;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private ClosedLoopLoad(Pool pool, Supplier<Request> request) {
        this.pool = pool;
        this.request = request;
    }

    static ClosedLoopLoad start(Pool pool, int concurrency, Supplier<Request> request) {
        ClosedLoopLoad load = new ClosedLoopLoad(pool, request);
        for (int i = 0; i < concurrency; i++) {
            load.fire();
        }
        return load;
    }

    private void fire() {
        if (!running.get()) {
            return;
        }
        inFlight.incrementAndGet();
        sent.incrementAndGet();
        pool.execute(request.get()).whenComplete((r, e) -> {
            if (e == null && r != null) {
                ok.incrementAndGet();
            } else {
                failures.add(e == null ? new AssertionError("no response") : e);
            }
            inFlight.decrementAndGet();
            fire();
        });
    }

    /** Requests answered with a result so far. */
    long completed() {
        return ok.get();
    }

    long sent() {
        return sent.get();
    }

    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Stops sending and waits until every request sent has its answer. */
    @Override
    public void close() {
        running.set(false);
        Await.until("every request of the load on " + pool.id() + " has its answer", () -> inFlight.get() == 0,
                () -> inFlight.get() + " in flight");
    }
}
