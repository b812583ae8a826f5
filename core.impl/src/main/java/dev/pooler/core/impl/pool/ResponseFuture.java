package dev.pooler.core.impl.pool;

import dev.pooler.api.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future a pool hands out. A caller that blocks on it first spins for a few microseconds: a fast
 * worker often answers within that time, and parking a thread and waking it costs more than the
 * answer itself. At most (cores − 1) callers spin at once, so spinning never starves the reader
 * threads that complete the futures.
 */
final class ResponseFuture extends CompletableFuture<Response> {

    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int MAX_SPINNERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final AtomicInteger SPINNERS = new AtomicInteger();

    @Override
    public Response join() {
        spinBriefly();
        return super.join();
    }

    @Override
    public Response get() throws InterruptedException, ExecutionException {
        spinBriefly();
        return super.get();
    }

    @Override
    public Response get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        spinBriefly();
        return super.get(timeout, unit);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>(); // dependent stages are ordinary futures
    }

    private void spinBriefly() {
        if (isDone() || MAX_SPINNERS == 0) {
            return;
        }
        if (SPINNERS.incrementAndGet() <= MAX_SPINNERS) {
            long end = System.nanoTime() + SPIN_NANOS;
            while (!isDone() && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
        SPINNERS.decrementAndGet();
    }
}
