package dev.pooler.core.impl.worker;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fork template: one Python process per pool and launch spec that has imported the runtime and the pool's
 * adapters, and forks a worker when asked ({@code pooler_worker/template.py} describes its side). The workers
 * connect back over a Unix domain socket in a private folder ({@code /tmp/pooler-fork-*}, mode 700); each
 * connection starts with the launch's random token, so only the worker asked for is attached to a launch.
 *
 * <p>Lifetime: the template is the JVM's child and dies with it (parent-death signal, as a worker does); its
 * workers die with the template. A retired template (its pool stopped or changed its launch spec) ends once
 * the last of its workers has: ending it earlier would kill them.
 */
final class ForkTemplate {

    private static final System.Logger LOG = System.getLogger(ForkTemplate.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Gson GSON = new Gson();
    /** The exit status reported for the workers of a template that died: its death killed them (SIGKILL). */
    static final int KILLED_WITH_TEMPLATE = 128 + 9;
    /** A connection's first line: {@code <token> frames\n} or {@code <token> stderr\n}, the token 32 hex digits. */
    static final int HELLO_BYTES = 32 + 1 + 6 + 1;

    final Object key;
    final String poolId;
    private final Process process;
    private final Path folder;
    private final ServerSocketChannel server;
    private final OutputStream stdin;
    private final CompletableFuture<JsonObject> ready = new CompletableFuture<>();
    private final Map<String, ForkedChannel> byToken = new ConcurrentHashMap<>();
    private final Map<Long, ForkedChannel> byPid = new ConcurrentHashMap<>();
    private volatile boolean dead;
    private volatile boolean retired;
    private volatile long readyAtNanos;
    /** Runs once, when the template has ended (after {@link #destroy}). */
    private final Runnable onEnd;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    private ForkTemplate(WorkerLaunch launch, Path folder, ServerSocketChannel server, Process process, Runnable onEnd) {
        this.onEnd = onEnd;
        this.key = launch.templateKey();
        this.poolId = launch.ownerPool();
        this.folder = folder;
        this.server = server;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /**
     * Starts a template for {@code launch}'s pool and waits until it is ready to fork. Throws naming why not:
     * the interpreter cannot start, the adapter cannot be imported, forking is unsafe (threads), time ran out.
     * {@code onEnd} runs once when the template has ended, whether it started or not.
     */
    static ForkTemplate start(WorkerLaunch launch, Duration timeout, Runnable onEnd) throws IOException {
        Path folder = Files.createTempDirectory("pooler-fork-"); // rwx------ on POSIX
        Path socket = folder.resolve("t.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Process p;
        try {
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            p = launch.processBuilder(List.of(launch.spec().python(), "-u", "-m", "pooler_worker", "--template",
                    "--adapter", launch.spec().adapter(), "--socket", socket.toString(), "--pool", launch.ownerPool())).start();
        } catch (IOException e) {
            server.close();
            deleteFolder(folder);
            onEnd.run();
            throw e;
        }
        ForkTemplate t = new ForkTemplate(launch, folder, server, p, onEnd);
        t.thread("out", t::readLoop);
        t.thread("err", t::stderrLoop);
        t.thread("accept", t::acceptLoop);
        JsonObject first;
        try {
            first = t.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.destroy();
            throw new IOException("interrupted while the fork template started", e);
        } catch (ExecutionException | TimeoutException e) {
            t.destroy();
            throw new IOException(e instanceof TimeoutException ? "the fork template was not ready within "
                    + timeout.toMillis() + " ms" : e.getCause().getMessage());
        }
        JsonElement ok = first.get("ready");
        if (ok == null || !ok.isJsonPrimitive() || !ok.getAsBoolean()) {
            t.destroy();
            JsonElement why = first.has("fallback") ? first.get("fallback") : first.get("error");
            throw new IOException(why != null && why.isJsonPrimitive() ? why.getAsString() : first.toString());
        }
        t.readyAtNanos = System.nanoTime();
        return t;
    }

    private void thread(String what, Runnable r) {
        Thread t = new Thread(r, "pooler-fork-template-" + poolId + "-" + what);
        t.setDaemon(true);
        t.start();
    }

    /** Asks for a worker; its channel connects (or fails) as the worker comes up. */
    ForkedChannel fork(WorkerLaunch launch) throws IOException {
        byte[] secret = new byte[16];
        RANDOM.nextBytes(secret);
        ForkedChannel ch = new ForkedChannel(HexFormat.of().formatHex(secret));
        byToken.put(ch.token, ch);
        JsonObject req = new JsonObject();
        req.addProperty("fork", ch.token);
        req.addProperty("worker_id", launch.workerId());
        req.addProperty("pool", launch.ownerPool());
        req.addProperty("specialization", launch.specialization());
        if (dead || !write(GSON.toJson(req) + "\n")) {
            byToken.remove(ch.token);
            throw new IOException("the fork template (pid " + process.pid() + ") is gone");
        }
        return ch;
    }

    private synchronized boolean write(String line) {
        try {
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isDead() {
        return dead;
    }

    long pid() {
        return process.pid();
    }

    /** Nanoseconds it had been ready when it died; 0 when it never was. */
    long readyAtNanos() {
        return readyAtNanos;
    }

    /** No more forks; ends once its last worker has. */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (retired && byToken.isEmpty()) {
            destroy();
        }
    }

    /** Ends the template (its stdin closed: it exits; a kill if it must). Its workers, if any, die with it. */
    void destroy() {
        dead = true;
        try {
            stdin.close();
        } catch (IOException ignored) {
            // gone already
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closed already
        }
        deleteFolder(folder);
        process.onExit().orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> {
            process.destroyForcibly();
            return null;
        }).thenCompose(x -> process.onExit()).thenRun(() -> {
            if (ended.compareAndSet(false, true)) {
                onEnd.run();
            }
        });
    }

    private void readLoop() {
        try (InputStream out = process.getInputStream()) {
            LineReader r = new LineReader(out, 1 << 16);
            String line;
            while ((line = r.readLine()) != null) {
                if (line == LineReader.OVERSIZED || line.isBlank()) {
                    continue;
                }
                JsonObject f;
                try {
                    f = JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "fork template of pool {0}: not a frame: {1}", poolId, line);
                    continue;
                }
                if (!ready.isDone()) {
                    ready.complete(f);
                } else {
                    frame(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "fork template of pool " + poolId + ": reading its output failed", e);
        }
        died();
    }

    private void frame(JsonObject f) {
        if (f.has("forked")) {
            ForkedChannel ch = byToken.get(f.get("forked").getAsString());
            if (ch != null) {
                long p = f.get("pid").getAsLong();
                byPid.put(p, ch);
                ch.forked(p);
            }
        } else if (f.has("exited")) {
            ForkedChannel ch = byPid.remove(f.get("exited").getAsLong());
            if (ch != null) {
                byToken.remove(ch.token);
                ch.exited(f.get("code").getAsInt());
                closeIfIdle();
            }
        } else if (f.has("fork_failed")) {
            ForkedChannel ch = byToken.remove(f.get("fork_failed").getAsString());
            if (ch != null) {
                ch.failed("the fork template could not fork: " + f.get("error"), -1);
                closeIfIdle();
            }
        }
    }

    /** The template's output ended: it is gone, and its workers with it (their parent-death signal). */
    private void died() {
        boolean expected = dead;
        dead = true;
        int code = -1;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ready.completeExceptionally(new IOException("the fork template exited with code " + code + " before it was ready"));
        if (!expected) {
            LOG.log(System.Logger.Level.WARNING, "the fork template (pid {0}) of pool {1} died, exit code {2}; its {3} workers die with it",
                    String.valueOf(process.pid()), poolId, code, byToken.size());
        }
        for (ForkedChannel ch : List.copyOf(byToken.values())) {
            ch.failed("its fork template died", KILLED_WITH_TEMPLATE);
        }
        byToken.clear();
        byPid.clear();
        destroy();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                String hello = SocketStreams.hello(ch, HELLO_BYTES);
                String[] parts = hello == null ? new String[0] : hello.split(" ");
                ForkedChannel target = parts.length == 2 ? byToken.get(parts[0]) : null;
                if (target == null) {
                    ch.close();
                    continue;
                }
                target.attach(parts[1], ch);
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(System.Logger.Level.DEBUG, "fork template of pool " + poolId + ": a connection failed", e);
                }
            }
        }
    }

    private void stderrLoop() {
        try (InputStream err = process.getErrorStream()) {
            LineReader r = new LineReader(err, 8192);
            String line;
            while ((line = r.readLine()) != null) {
                LOG.log(System.Logger.Level.INFO, "[fork template of {0}, pid {1}] {2}", poolId,
                        String.valueOf(process.pid()), line == LineReader.OVERSIZED ? r.oversizedHead() + "…" : line);
            }
        } catch (IOException | RuntimeException ignored) {
            // the process ended
        }
    }

    private static void deleteFolder(Path folder) {
        try {
            Files.deleteIfExists(folder.resolve("t.sock"));
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a leftover empty folder in /tmp
        }
    }
}
