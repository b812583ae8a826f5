package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker forked by a {@link ForkTemplate}: not the JVM's child, so what a {@link Process} would tell comes
 * from elsewhere — its pid and exit status from the template, its protocol frames and its stderr over two
 * Unix domain socket connections it opens itself, each introduced by this launch's secret token.
 */
final class ForkedChannel implements WorkerChannel {

    /** Connections that have not come this long after the worker exited never will. */
    private static final long LATE_CONNECTION_MS = 1_000;
    /** How long an exit waits for the template's report of the status; past it the status is unknown. */
    private static final long EXIT_REPORT_MS = 10_000;

    final String token;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private final CompletableFuture<SocketChannel> protocol = new CompletableFuture<>();
    private final CompletableFuture<SocketChannel> log = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean killRequested;

    ForkedChannel(String token) {
        this.token = token;
    }

    // --- what the template and its socket say ---------------------------------------------------

    void forked(long p) {
        pid.complete(p);
        if (killRequested) {
            killPid(p);
        }
    }

    void attach(String kind, SocketChannel ch) throws IOException {
        CompletableFuture<SocketChannel> slot = "frames".equals(kind) ? protocol : "stderr".equals(kind) ? log : null;
        if (slot == null || !slot.complete(ch)) {
            ch.close(); // unknown, or a second connection of the same kind: not this worker's
        }
    }

    /** The process ended with {@code code}; connections it made before are still read. */
    void exited(int code) {
        pid.complete(-1L);
        exit.complete(code);
        CompletableFuture.delayedExecutor(LATE_CONNECTION_MS, TimeUnit.MILLISECONDS).execute(() ->
                failConnections("the worker exited (code " + code + ") before it connected"));
    }

    /** The fork did not happen, or the template is gone. */
    void failed(String why, int code) {
        pid.complete(-1L);
        failConnections(why);
        exit.complete(code);
    }

    private void failConnections(String why) {
        IOException e = new IOException(why);
        protocol.completeExceptionally(e);
        log.completeExceptionally(e);
    }

    // --- WorkerChannel ---------------------------------------------------------------------------

    @Override
    public InputStream frames() throws IOException {
        SocketChannel ch = await(protocol);
        await(pid);
        return SocketStreams.in(ch);
    }

    @Override
    public OutputStream input() throws IOException {
        return SocketStreams.out(await(protocol));
    }

    @Override
    public InputStream log() throws IOException {
        return SocketStreams.in(await(log));
    }

    @Override
    public long pid() {
        return pid.getNow(-1L);
    }

    @Override
    public boolean isAlive() {
        if (exit.isDone()) {
            return false;
        }
        long p = pid();
        return p <= 0 || ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void kill() {
        killRequested = true;
        long p = pid();
        if (p > 0 && !exit.isDone()) {
            killPid(p);
        }
        failConnections("the worker was killed before it connected");
    }

    private void killPid(long p) {
        ProcessHandle.of(p).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get(EXIT_REPORT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the worker connected", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
