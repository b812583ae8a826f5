package dev.pooler.core.impl.worker;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.WorkerSpec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Python worker: a real OS process speaking JSON lines on its stdin/stdout (DESIGN §4).
 * Thread-safe for sending; one reader thread per process delivers replies to the {@link WorkerListener}.
 */
public final class WorkerProcess {

    private static final System.Logger LOG = System.getLogger(WorkerProcess.class.getName());
    private static final Gson GSON = new Gson();

    private final String workerId;
    private final String ownerPool;
    private final WorkerSpec spec;
    private final String specialization;
    private final Path runtimeDir;
    private final WorkerListener listener;
    private final long startedAtMillis = System.currentTimeMillis();
    private final CompletableFuture<WorkerProcess> ready = new CompletableFuture<>();
    private final AtomicBoolean exited = new AtomicBoolean();

    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile long pid = -1;
    private volatile List<String> capabilities = List.of();
    private volatile long lastPongNanos = System.nanoTime();
    private volatile long lastPingNanos;

    public WorkerProcess(String workerId, String ownerPool, WorkerSpec spec, String specialization, Path runtimeDir,
                         WorkerListener listener) {
        this.workerId = workerId;
        this.ownerPool = ownerPool;
        this.spec = spec;
        this.specialization = specialization;
        this.runtimeDir = runtimeDir;
        this.listener = listener;
    }

    /** Launches the process. The returned stage completes when the worker's handshake arrives. */
    public CompletableFuture<WorkerProcess> start() {
        List<String> cmd = new ArrayList<>(List.of(spec.python(), "-u", "-m", "pooler_worker",
                "--adapter", spec.adapter(), "--worker-id", workerId, "--pool", ownerPool));
        if (specialization != null) {
            cmd.add("--specialization");
            cmd.add(specialization);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(runtimeDir.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(spec.env());
        String extra = env.get("PYTHONPATH");
        env.put("PYTHONPATH", runtimeDir.toString() + (extra == null || extra.isBlank() ? "" : java.io.File.pathSeparator + extra));
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        try {
            if (!Files.isDirectory(runtimeDir)) {
                throw new IOException("the worker runtime folder " + runtimeDir + " does not exist");
            }
            process = pb.start();
        } catch (IOException e) {
            String reason = "cannot launch '" + spec.python() + "': " + e.getMessage();
            exited.set(true);
            ready.completeExceptionally(new IOException(reason, e));
            listener.onExit(this, -1, reason);
            return ready;
        }
        pid = process.pid();
        stdin = process.getOutputStream();
        Thread out = new Thread(this::readLoop, "pooler-worker-" + workerId);
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::stderrLoop, "pooler-worker-" + workerId + "-stderr");
        err.setDaemon(true);
        err.start();
        return ready;
    }

    /** Sends a request frame. Returns false if the worker's stdin is closed (it is dying). */
    public boolean sendRequest(long id, String command, JsonElement args, String sessionId) {
        StringBuilder sb = new StringBuilder(64 + command.length());
        sb.append("{\"id\":").append(id).append(",\"command\":\"").append(command).append("\",\"args\":");
        if (args == null) {
            sb.append("{}");
        } else {
            GSON.toJson(args, sb); // straight into the builder: no intermediate StringWriter
        }
        if (sessionId != null) {
            sb.append(",\"session\":{\"id\":").append(GSON.toJson(sessionId)).append('}');
        }
        sb.append("}\n");
        return write(sb.toString());
    }

    /** Sends a control frame ({@code ping}, {@code configure}, {@code shutdown}). */
    public boolean sendControl(JsonObject frame) {
        if ("ping".equals(frame.has("control") ? frame.get("control").getAsString() : null)) {
            lastPingNanos = System.nanoTime();
        }
        return write(frame.toString() + "\n");
    }

    /** Heartbeat: a ping the reader thread's pong answers. */
    public boolean ping() {
        JsonObject f = new JsonObject();
        f.addProperty("control", "ping");
        f.addProperty("id", 0);
        return sendControl(f);
    }

    /** Asks the worker to finish its current command and exit. */
    public void requestShutdown() {
        JsonObject f = new JsonObject();
        f.addProperty("control", "shutdown");
        write(f.toString() + "\n");
        closeStdin();
    }

    /** Kills the process at once (SIGKILL). */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        closeStdin();
    }

    private synchronized boolean write(String frame) {
        OutputStream os = stdin;
        if (os == null) {
            return false;
        }
        try {
            os.write(frame.getBytes(StandardCharsets.UTF_8));
            os.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void closeStdin() {
        OutputStream os = stdin;
        stdin = null;
        if (os != null) {
            try {
                os.close();
            } catch (IOException ignored) {
                // the process is gone already
            }
        }
    }

    private void readLoop() {
        String reason = "its output closed";
        try (InputStream out = process.getInputStream()) {
            LineReader r = new LineReader(out);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || fastResult(line)) {
                    continue;
                }
                JsonObject frame;
                try {
                    frame = JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "worker {0} wrote a line that is not a JSON object: {1}", workerId, abbreviate(line));
                    continue;
                }
                dispatch(frame);
            }
        } catch (IOException e) {
            reason = "reading its output failed: " + e.getMessage();
        } catch (RuntimeException e) {
            reason = "a reply could not be handled: " + e;
            LOG.log(System.Logger.Level.ERROR, "worker " + workerId + ": " + reason, e);
            kill();
        }
        int code = -1;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStdin();
        if (exited.compareAndSet(false, true)) {
            if (!ready.isDone()) {
                reason = "exited with code " + code + " before it was ready";
                ready.completeExceptionally(new IOException("worker " + workerId + " " + reason));
            }
            listener.onExit(this, code, reason);
        }
    }

    private static final String OK_RESULT = ",\"ok\":true,\"result\":";

    /**
     * The hot path: a success reply as the runtime writes it, {@code {"id":N,"ok":true,"result":…}},
     * is answered by parsing only its result. Anything else takes the general path.
     */
    private boolean fastResult(String line) {
        if (!line.startsWith("{\"id\":") || line.charAt(line.length() - 1) != '}') {
            return false;
        }
        int i = 6;
        long id = 0;
        int digits = 0;
        while (i < line.length() && Character.isDigit(line.charAt(i)) && digits < 18) {
            id = id * 10 + (line.charAt(i) - '0');
            i++;
            digits++;
        }
        if (digits == 0 || !line.startsWith(OK_RESULT, i)) {
            return false;
        }
        JsonElement result;
        try {
            result = JsonParser.parseString(line.substring(i + OK_RESULT.length(), line.length() - 1));
        } catch (RuntimeException e) {
            return false;
        }
        listener.onResult(this, id, result);
        return true;
    }

    private void dispatch(JsonObject frame) {
        JsonElement id = frame.get("id");
        if (id != null && !id.isJsonNull() && !frame.has("control")) {
            listener.onReply(this, id.getAsLong(), frame);
            return;
        }
        if (frame.has("control")) {
            if ("pong".equals(frame.get("control").getAsString())) {
                lastPongNanos = System.nanoTime();
            }
            return;
        }
        if (frame.has("ready")) {
            if (frame.get("ready").getAsBoolean()) {
                List<String> caps = new ArrayList<>();
                if (frame.has("capabilities") && frame.get("capabilities").isJsonArray()) {
                    frame.getAsJsonArray("capabilities").forEach(e -> caps.add(e.getAsString()));
                }
                capabilities = List.copyOf(caps);
                lastPongNanos = System.nanoTime();
                ready.complete(this);
                listener.onReady(this);
            } else {
                String msg = frame.has("error") ? frame.get("error").toString() : frame.toString();
                LOG.log(System.Logger.Level.ERROR, "worker {0} refused to start: {1}", workerId, msg);
                ready.completeExceptionally(new IOException("worker " + workerId + " refused to start: " + msg));
            }
            return;
        }
        if (id != null && id.isJsonNull()) {
            LOG.log(System.Logger.Level.WARNING, "worker {0} rejected a frame: {1}", workerId, abbreviate(frame.toString()));
        }
    }

    private void stderrLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.log(System.Logger.Level.INFO, "[{0} pid {1}] {2}", workerId, String.valueOf(pid), line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    public String id() { return workerId; }
    public String ownerPool() { return ownerPool; }
    public long pid() { return pid; }
    public long startedAtMillis() { return startedAtMillis; }
    public List<String> capabilities() { return capabilities; }
    public CompletableFuture<WorkerProcess> ready() { return ready; }
    public boolean isAlive() { Process p = process; return p != null && p.isAlive() && !exited.get(); }
    public boolean hasExited() { return exited.get(); }
    /** Nanos since the last pong, if a ping was sent after it; 0 when the worker answered the last ping. */
    public long unansweredPingNanos() {
        long sent = lastPingNanos;
        long pong = lastPongNanos;
        return sent > pong ? System.nanoTime() - sent : 0;
    }

    /** Resident memory of the process in KiB, read from /proc; -1 where unknown. */
    public long rssKb() {
        long p = pid;
        if (p <= 0) {
            return -1;
        }
        return ProcStatus.rssKb(p);
    }

    /** CPU time used so far in clock ticks (usually 1/100 s), read from /proc; -1 where unknown. */
    public long cpuTicks() {
        long p = pid;
        return p <= 0 ? -1 : ProcStatus.cpuTicks(p);
    }

    @Override
    public String toString() {
        return "worker " + workerId + " (pid " + pid + ")";
    }
}
