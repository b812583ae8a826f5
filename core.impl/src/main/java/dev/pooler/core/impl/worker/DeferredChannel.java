package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A worker whose process is being started elsewhere ({@link ForkStarter}'s own thread: a fork template may take
 * seconds to import its adapter, which must not hold up the pools' scheduler). Stands for the channel it becomes;
 * until then it has no pid, is alive, and a kill is remembered and done as soon as there is something to kill.
 */
final class DeferredChannel implements WorkerChannel {

    private final CompletableFuture<WorkerChannel> target = new CompletableFuture<>();
    private volatile boolean killed;

    void become(WorkerChannel ch) {
        target.complete(ch);
        if (killed) {
            ch.kill();
        }
    }

    void fail(IOException e) {
        target.completeExceptionally(e);
    }

    private WorkerChannel await() throws IOException {
        try {
            return target.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the worker started", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    @Override
    public InputStream frames() throws IOException {
        return await().frames();
    }

    @Override
    public OutputStream input() throws IOException {
        return await().input();
    }

    @Override
    public InputStream log() throws IOException {
        return await().log();
    }

    @Override
    public long pid() {
        WorkerChannel ch = target.getNow(null);
        return ch == null ? -1 : ch.pid();
    }

    @Override
    public boolean isAlive() {
        if (!target.isDone()) {
            return true;
        }
        WorkerChannel ch = target.getNow(null);
        return ch != null && ch.isAlive();
    }

    @Override
    public void kill() {
        killed = true;
        WorkerChannel ch = target.getNow(null);
        if (ch != null) {
            ch.kill();
        }
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return await().waitFor();
        } catch (IOException e) {
            return -1; // it never started
        }
    }
}
