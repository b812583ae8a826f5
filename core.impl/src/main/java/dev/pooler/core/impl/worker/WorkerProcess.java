package dev.pooler.core.impl.worker;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Python worker: a real OS process speaking JSON lines on its stdin/stdout (DESIGN §4).
 * Thread-safe for sending; one reader thread per process delivers request replies to its
 * {@link WorkerListener} and completes control calls ({@link #call}) itself, off that thread.
 *
 * <p>What a worker writes is bounded: a reply line longer than the pool's {@code maxReplyBytes} is
 * skipped as it streams in (never held whole) and fails its request; a stderr line is cut at
 * {@code maxLogLineBytes}. Anything the reader thread cannot handle (an error of any kind, an
 * {@link OutOfMemoryError} included) ends the process, and its pool replaces it.
 */
public final class WorkerProcess {

    private static final System.Logger LOG = System.getLogger(WorkerProcess.class.getName());
    private static final Gson GSON = new Gson();

    private final String workerId;
    private final String ownerPool;
    private final WorkerSpec spec;
    private final String specialization;
    private final Path runtimeDir;
    private final int maxReplyBytes;
    private final int maxLogLineBytes;
    private final WorkerListener listener;
    private final Executor answers;
    private final WorkerStarter starter;
    private final long startedAtMillis = System.currentTimeMillis();
    private final CompletableFuture<WorkerProcess> ready = new CompletableFuture<>();
    private final AtomicBoolean exited = new AtomicBoolean();
    /** Control calls waiting for their reply, by wire id. */
    private final Map<Long, CompletableFuture<JsonObject>> calls = new ConcurrentHashMap<>();
    /** Control calls that gave up waiting (their reply may still come, and is dropped), the last few. */
    private final Set<Long> abandoned = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 64;
        }
    });

    /** The request frame being written, reused (guarded by this object's monitor). */
    private final FrameBytes frame = new FrameBytes();
    /** Request frames appended for one write ({@link #appendRequest}). */
    private final FrameBytes batch = new FrameBytes();
    private volatile WorkerChannel process;
    /** Set when stdin was closed (or the process ended) before the worker connected: it never opens. */
    private boolean inputClosed;
    private volatile OutputStream stdin;
    private volatile long pid = -1;
    private volatile List<String> capabilities = List.of();
    /** What the worker's runtime understands beyond protocol 1 ({@code stream}, {@code cancel}), from its handshake. */
    private volatile Set<String> features = Set.of();
    private volatile long pingSentNanos;
    private volatile boolean anyAbandoned;
    private volatile CompletableFuture<JsonObject> ping;

    public WorkerProcess(String workerId, String ownerPool, WorkerSpec spec, String specialization, Path runtimeDir,
                         int maxReplyBytes, int maxLogLineBytes, WorkerListener listener, Executor answers) {
        this(workerId, ownerPool, spec, specialization, runtimeDir, maxReplyBytes, maxLogLineBytes, listener, answers,
                WorkerStarter.SPAWN);
    }

    /** A worker started by {@code starter}: spawned, or forked from a template ({@link ForkStarter}). */
    public WorkerProcess(String workerId, String ownerPool, WorkerSpec spec, String specialization, Path runtimeDir,
                         int maxReplyBytes, int maxLogLineBytes, WorkerListener listener, Executor answers,
                         WorkerStarter starter) {
        this.starter = starter;
        this.workerId = workerId;
        this.ownerPool = ownerPool;
        this.spec = spec;
        this.specialization = specialization;
        this.runtimeDir = runtimeDir;
        this.maxReplyBytes = maxReplyBytes;
        this.maxLogLineBytes = maxLogLineBytes;
        this.listener = listener;
        this.answers = answers;
    }

    /** Launches the process. The returned stage completes when the worker's handshake arrives. */
    public CompletableFuture<WorkerProcess> start() {
        try {
            process = starter.start(new WorkerLaunch(workerId, ownerPool, spec, specialization, runtimeDir, maxReplyBytes));
        } catch (IOException e) {
            String reason = "cannot launch '" + spec.python() + "': " + e.getMessage();
            exited.set(true);
            ready.completeExceptionally(new IOException(reason, e));
            listener.onExit(this, -1, reason);
            return ready;
        }
        pid = process.pid();
        Thread out = new Thread(this::readLoop, "pooler-worker-" + workerId);
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::stderrLoop, "pooler-worker-" + workerId + "-stderr");
        err.setDaemon(true);
        err.start();
        return ready;
    }

    /** Sends a request frame without a session. Returns false if the worker's stdin is closed (it is dying). */
    public boolean sendRequest(long id, String command, String argsJson) {
        return sendRequest(id, command, argsJson, null, 0, null);
    }

    /**
     * Sends a request frame; with a session, {@code {"session":{"id":…,"version":N,"state":…?}}}: the state
     * travels when the worker lacks version N. Returns false if the worker's stdin is closed (it is dying).
     */
    public boolean sendRequest(long id, String command, String argsJson, String sessionId, long sessionVersion,
                               String sessionState) {
        return sendRequest(id, command, argsJson, sessionId, sessionVersion, sessionState, false);
    }

    /**
     * Sends a request frame; {@code stream}: {@code "stream":true}, the worker sends the command's chunks as they come
     * ({@link WorkerListener#onChunk}), then its answer. A worker without the {@code stream} feature answers once.
     */
    public boolean sendRequest(long id, String command, String argsJson, String sessionId, long sessionVersion,
                               String sessionState, boolean stream) {
        String quotedSession = sessionId == null ? null : GSON.toJson(sessionId);
        synchronized (this) {
            FrameBytes f = frame.reset();
            f.append("{\"id\":").append(id).append(",\"command\":\"").append(command).append("\",\"args\":").append(argsJson);
            if (quotedSession != null) {
                f.append(",\"session\":{\"id\":").append(quotedSession).append(",\"version\":").append(sessionVersion);
                if (sessionState != null) {
                    f.append(",\"state\":").append(sessionState);
                }
                f.append('}');
            }
            if (stream) {
                f.append(",\"stream\":true");
            }
            f.append("}\n");
            return write(f.bytes(), f.length());
        }
    }

    /**
     * Appends a plain request frame (no session, no stream) to the frames this worker's pipe writes at once with
     * {@link #writeAppended}: a pipelining pool writes the requests it put behind a head with one system call.
     * The caller writes the batch before anyone else appends (its pipe's writer holds them both).
     */
    public synchronized void appendRequest(long id, String command, String argsJson) {
        batch.append("{\"id\":").append(id).append(",\"command\":\"").append(command).append("\",\"args\":")
                .append(argsJson).append("}\n");
    }

    /** Writes the frames appended so far in one write; false if the worker's stdin is closed (it is dying). */
    public synchronized boolean writeAppended() {
        if (batch.length() == 0) {
            return true;
        }
        boolean written = write(batch.bytes(), batch.length());
        batch.reset();
        return written;
    }

    /**
     * Tells the worker its request {@code id} is cancelled ({@code {"control":"cancel","request":N}}, no reply).
     * Returns false when the worker's runtime does not know the frame (then nothing is sent) or its stdin is closed.
     */
    public boolean sendCancel(long id) {
        return features.contains("cancel") && write("{\"control\":\"cancel\",\"request\":" + id + "}\n");
    }

    /** Answers a tool call ({@code {"control":"tool_reply",…}\n}, see the runtime's protocol). False if stdin is closed. */
    public boolean sendToolReply(String line) {
        return write(line);
    }

    /** Whether the worker's runtime has a feature of the protocol ({@code stream}, {@code cancel}). */
    public boolean hasFeature(String feature) {
        return features.contains(feature);
    }

    /**
     * A control call: sends {@code {"control":<name>,"id":N,…fields}} and completes with the reply's
     * {@code result} (or the pong frame), on {@code answers}, never on the reader thread. Fails with a
     * {@link PoolerException}: the worker's own error, {@code TIMEOUT} past the deadline,
     * {@code WORKER_CRASHED} if the process ends first.
     */
    public CompletableFuture<JsonObject> call(String control, JsonObject fields, Duration deadline,
                                              ScheduledExecutorService timer) {
        long id = WireIds.next();
        JsonObject frame = fields == null ? new JsonObject() : fields.deepCopy();
        frame.addProperty("control", control);
        frame.addProperty("id", id);
        return call(control, id, frame + "\n", deadline, timer, null);
    }

    /**
     * Pushes a session's state ({@code put_session}, see the runtime's protocol): the worker holds it as that
     * version unless it holds a newer one. Completes as {@link #call} does, with
     * {@code {"session":…,"version":held,"installed":bool}}; {@code written} runs once the frame is on the pipe.
     */
    public CompletableFuture<JsonObject> putSession(String sessionId, long version, String stateJson, Duration deadline,
                                                    ScheduledExecutorService timer, Runnable written) {
        long id = WireIds.next();
        String frame = "{\"control\":\"put_session\",\"id\":" + id + ",\"session\":" + GSON.toJson(sessionId)
                + ",\"version\":" + version + ",\"state\":" + stateJson + "}\n";
        return call("put_session", id, frame, deadline, timer, written);
    }

    private CompletableFuture<JsonObject> call(String control, long id, String frame, Duration deadline,
                                               ScheduledExecutorService timer, Runnable written) {
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        calls.put(id, reply);
        if (exited.get() || !write(frame)) {
            calls.remove(id);
            reply.completeExceptionally(crashed(control + " could not be sent"));
            return reply;
        }
        if (written != null) {
            written.run();
        }
        var timeout = timer.schedule(() -> {
            if (calls.remove(id) != null) {
                synchronized (abandoned) {
                    abandoned.add(id);
                    anyAbandoned = true;
                }
                reply.completeExceptionally(new PoolerException(ErrorKind.TIMEOUT, "worker " + workerId
                        + " did not answer '" + control + "' within " + deadline.toMillis() + " ms", ownerPool));
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        reply.whenComplete((r, e) -> timeout.cancel(false));
        return reply;
    }

    /**
     * Heartbeat: a ping, unless one is still unanswered (pings never pile up in the pipe). Returns
     * whether one was sent.
     */
    public boolean ping(Duration deadline, ScheduledExecutorService timer) {
        CompletableFuture<JsonObject> last = ping;
        if (last != null && !last.isDone()) {
            return false;
        }
        pingSentNanos = System.nanoTime();
        ping = call("ping", null, deadline, timer);
        return true;
    }

    /** Nanoseconds the last ping has waited for its pong; 0 when it was answered (or none was sent). */
    public long unansweredPingNanos() {
        CompletableFuture<JsonObject> last = ping;
        return last == null || last.isDone() ? 0 : System.nanoTime() - pingSentNanos;
    }

    /** Asks the worker to finish its current command and exit. May block briefly on the pipe: never call it under a lock. */
    public void requestShutdown() {
        JsonObject f = new JsonObject();
        f.addProperty("control", "shutdown");
        write(f + "\n");
        closeStdin();
    }

    /** Kills the process and its children at once (SIGKILL). */
    public void kill() {
        WorkerChannel p = process;
        if (p != null) {
            p.kill();
        }
        closeStdin();
    }

    private synchronized boolean write(String frame) {
        byte[] b = frame.getBytes(StandardCharsets.UTF_8);
        return write(b, b.length);
    }

    private synchronized boolean write(byte[] b, int length) {
        OutputStream os = stdin;
        if (os == null) {
            return false;
        }
        try {
            os.write(b, 0, length);
            os.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private synchronized void closeStdin() {
        OutputStream os = stdin;
        stdin = null;
        inputClosed = true;
        if (os != null) {
            try {
                os.close();
            } catch (IOException ignored) {
                // the process is gone already
            }
        }
    }

    /** The worker's frames, once it is connected (at once for a spawned one); then its stdin is open for writes. */
    private InputStream connect() throws IOException {
        InputStream out;
        OutputStream in;
        try {
            out = process.frames();
            in = process.input();
        } catch (IOException e) {
            throw new NotStarted(e.getMessage(), e);
        }
        synchronized (this) {
            if (!inputClosed) {
                stdin = in;
            } else {
                in.close();
            }
        }
        pid = process.pid();
        return out;
    }

    /** The worker never came to be (a deferred start or a fork that failed): its reason as it is. */
    private static final class NotStarted extends IOException {
        private static final long serialVersionUID = 1L;

        NotStarted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Every reply read so far is handled; the reader is about to wait for more. */
    private void caughtUp() {
        listener.onCaughtUp(this);
    }

    private void readLoop() {
        String reason = "its output closed";
        try (InputStream out = connect()) {
            LineReader r = new LineReader(out, maxReplyBytes, this::caughtUp);
            String line;
            while ((line = r.readLine()) != null) {
                if (line == LineReader.OVERSIZED) {
                    oversized(r.oversizedHead(), r.oversizedLength());
                } else if (!line.isEmpty() && !fastResult(line)) {
                    general(line);
                }
            }
        } catch (NotStarted e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = "reading its output failed: " + e.getMessage();
        } catch (Throwable t) { // an OutOfMemoryError included: this worker ends, its pool replaces it
            reason = "its reply could not be handled: " + t;
            LOG.log(System.Logger.Level.ERROR, "worker " + workerId + ": " + reason, t);
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
            PoolerException gone = crashed("the worker exited (" + reason + ")");
            calls.values().forEach(c -> c.completeExceptionally(gone));
            calls.clear();
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
        if (digits == 0 || !line.startsWith(OK_RESULT, i) || (!calls.isEmpty() && calls.containsKey(id)) || wasAbandoned(id)) {
            return false;
        }
        int from = i + OK_RESULT.length();
        int to = line.length() - 1;
        JsonElement result = ReplyJson.parse(line, from, to);
        if (result == null) { // not strict JSON (NaN…), or malformed: Gson decides, as before
            try {
                result = JsonParser.parseString(line.substring(from, to));
            } catch (RuntimeException e) {
                return false;
            }
        }
        listener.onResult(this, id, result);
        return true;
    }

    private void general(String line) {
        JsonObject frame;
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                throw new IllegalStateException("not an object");
            }
            frame = e.getAsJsonObject();
        } catch (RuntimeException | StackOverflowError e) {
            listener.onBrokenReply(this, leadingId(line), "the worker wrote a line that is not a JSON object: " + abbreviate(line));
            return;
        }
        JsonElement control = frame.get("control");
        JsonElement idElement = frame.get("id");
        long id = idElement != null && idElement.isJsonPrimitive() && idElement.getAsJsonPrimitive().isNumber()
                ? idElement.getAsLong() : -1;
        if (control != null) {
            if ("pong".equals(control.isJsonPrimitive() ? control.getAsString() : null)) {
                answerCall(id, frame, null);
            }
            return;
        }
        if (frame.has("tool_call")) {
            listener.onToolCall(this, frame);
            return;
        }
        if (frame.has("ready")) {
            handshake(frame);
            return;
        }
        JsonElement chunk = frame.get("chunk");
        if (chunk != null && id >= 0) {
            JsonElement seq = frame.get("seq");
            long n = seq != null && seq.isJsonPrimitive() && seq.getAsJsonPrimitive().isNumber() ? seq.getAsLong() : -1;
            listener.onChunk(this, id, n, chunk);
            return;
        }
        if (id >= 0 && (calls.containsKey(id) || wasAbandoned(id))) {
            answerCall(id, frame, frame.has("ok") && frame.get("ok").getAsBoolean() ? null : errorOf(frame));
            return;
        }
        if (id >= 0) {
            listener.onReply(this, id, frame);
            return;
        }
        // An error without an id: Python refused the frame before it could read the id.
        listener.onBrokenReply(this, -1, "the worker refused a frame: " + errorText(frame));
    }

    /** Whether {@code id} is a control call that gave up waiting; its late reply is dropped. Cheap when none did. */
    private boolean wasAbandoned(long id) {
        if (!anyAbandoned) {
            return false;
        }
        synchronized (abandoned) {
            return abandoned.contains(id);
        }
    }

    private void answerCall(long id, JsonObject frame, PoolerException error) {
        CompletableFuture<JsonObject> c = calls.remove(id);
        if (c == null) {
            synchronized (abandoned) {
                abandoned.remove(id);
            }
            LOG.log(System.Logger.Level.INFO, "worker {0}: a late reply to control call {1}, which nobody waits for any more (dropped)",
                    workerId, id);
            return;
        }
        JsonElement result = frame.get("result");
        JsonObject value = result != null && result.isJsonObject() ? result.getAsJsonObject() : frame;
        // Completed on the answers executor: whoever waits for a control call never runs on this reader thread.
        answers.execute(() -> {
            if (error == null) {
                c.complete(value);
            } else {
                c.completeExceptionally(error);
            }
        });
    }

    private void handshake(JsonObject frame) {
        if (frame.get("ready").getAsBoolean()) {
            List<String> caps = new ArrayList<>();
            if (frame.has("capabilities") && frame.get("capabilities").isJsonArray()) {
                frame.getAsJsonArray("capabilities").forEach(e -> caps.add(e.getAsString()));
            }
            capabilities = List.copyOf(caps);
            if (frame.has("features") && frame.get("features").isJsonArray()) {
                Set<String> f = new java.util.HashSet<>();
                frame.getAsJsonArray("features").forEach(e -> {
                    if (e.isJsonPrimitive()) {
                        f.add(e.getAsString());
                    }
                });
                features = Set.copyOf(f);
            }
            ready.complete(this);
            listener.onReady(this);
        } else {
            String msg = frame.has("error") ? frame.get("error").toString() : frame.toString();
            LOG.log(System.Logger.Level.ERROR, "worker {0} refused to start: {1}", workerId, msg);
            ready.completeExceptionally(new IOException("worker " + workerId + " refused to start: " + msg));
        }
    }

    private void oversized(String head, long length) {
        listener.onBrokenReply(this, leadingId(head), "the worker's reply is " + length + " bytes, over the pool's limit of "
                + maxReplyBytes + " bytes (max.reply.bytes); it was dropped");
    }

    /** The request id at the start of a reply line ({@code {"id":N,…}}), or -1. */
    static long leadingId(String line) {
        if (!line.startsWith("{\"id\":")) {
            return -1;
        }
        long id = 0;
        int digits = 0;
        for (int i = 6; i < line.length() && Character.isDigit(line.charAt(i)) && digits < 18; i++, digits++) {
            id = id * 10 + (line.charAt(i) - '0');
        }
        return digits == 0 ? -1 : id;
    }

    private PoolerException errorOf(JsonObject frame) {
        JsonElement err = frame.get("error");
        String type = null;
        JsonElement t = err != null && err.isJsonObject() ? err.getAsJsonObject().get("type") : null;
        if (t != null && t.isJsonPrimitive()) {
            type = t.getAsString();
        }
        ErrorKind kind = "BAD_REQUEST".equals(type) ? ErrorKind.BAD_REQUEST : ErrorKind.WORKER_ERROR;
        return new PoolerException(kind, errorText(frame), ownerPool);
    }

    /** The message of an error reply, or the frame itself. */
    public static String errorText(JsonObject frame) {
        JsonElement err = frame.get("error");
        if (err != null && err.isJsonObject()) {
            JsonElement m = err.getAsJsonObject().get("message");
            if (m != null && m.isJsonPrimitive()) {
                return m.getAsString();
            }
        }
        return abbreviate(frame.toString());
    }

    private PoolerException crashed(String what) {
        return new PoolerException(ErrorKind.WORKER_CRASHED, "worker " + workerId + ": " + what, ownerPool);
    }

    private void stderrLoop() {
        try (InputStream err = process.log()) {
            LineReader r = new LineReader(err, maxLogLineBytes);
            String line;
            while ((line = r.readLine()) != null) {
                if (line == LineReader.OVERSIZED) {
                    line = r.oversizedHead() + "… (" + r.oversizedLength() + " bytes, cut at max.log.line.bytes " + maxLogLineBytes + ")";
                }
                LOG.log(System.Logger.Level.INFO, "[{0} pid {1}] {2}", workerId, String.valueOf(pid), line);
            }
        } catch (IOException | RuntimeException ignored) {
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
    public boolean isAlive() { WorkerChannel p = process; return p != null && p.isAlive() && !exited.get(); }
    public boolean hasExited() { return exited.get(); }

    /** Resident memory of the process in KiB, read from /proc; -1 where unknown. */
    public long rssKb() {
        long p = pid;
        return p <= 0 ? -1 : ProcStatus.rssKb(p);
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
