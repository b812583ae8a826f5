package dev.pooler.core.impl.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future a pool hands out. It is completed on a worker's reader thread, so no caller's code may
 * run there: every dependent stage ({@code thenApply}, {@code whenComplete}, …) runs on the pool's
 * answer executor, as if the {@code …Async} variant had been called. A caller that blocks on it
 * ({@link #join}, {@link #get}) is woken directly, and first spins for a few microseconds: a fast
 * worker often answers within that time, and parking a thread and waking it costs more than the
 * answer itself. At most (cores − 1) callers spin at once, so spinning never starves the reader
 * threads that complete the futures.
 */
final class ResponseFuture<T> extends CompletableFuture<T> {

    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final int MAX_SPINNERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final AtomicInteger SPINNERS = new AtomicInteger();

    private final Executor answers;
    private final java.util.function.BooleanSupplier canceller;

    /** @param canceller cancels the request this future answers (it is then answered {@code CANCELLED}) */
    ResponseFuture(Executor answers, java.util.function.BooleanSupplier canceller) {
        this.answers = answers;
        this.canceller = canceller;
    }

    /**
     * Cancels the request: it is answered with a {@code PoolerException} of kind {@code CANCELLED} (not a
     * {@code CancellationException}: every answer of a pool is typed). Returns whether this call cancelled it.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return !isDone() && canceller.getAsBoolean();
    }

    @Override
    public T join() {
        spinBriefly();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        spinBriefly();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        spinBriefly();
        return super.get(timeout, unit);
    }

    @Override
    public Executor defaultExecutor() {
        return answers;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>(); // dependent stages are ordinary futures, completed on the answer executor
    }

    // Every dependent stage runs on the answer executor, never on the completing (reader) thread.

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, answers);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, answers);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, answers);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other, BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, answers);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other, BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, answers);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, answers);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, answers);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action, answers);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, answers);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, answers);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, answers);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, answers);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, answers);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, answers);
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
