package dev.pooler.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: a minimal client of the worker protocol (DESIGN §4) with no pool in between. It
 * launches the worker exactly as {@code WorkerProcess} does, writes request lines and reads the reply
 * lines itself, on the calling thread. Not thread-safe: one thread drives one worker.
 *
 * <p>Every request is the same {@code echo}; every reply is checked byte for byte, so a wrong,
 * reordered or failed answer stops the benchmark instead of being counted.
 */
final class DirectWorker implements AutoCloseable {

    private static final byte[] REQUEST_HEAD = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final int READ_CHUNK = 8192;
    private static final byte[] OK_HEAD = ",\"ok\":true,\"result\":".getBytes(StandardCharsets.US_ASCII);

    private final Process process;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] requestTail;
    private final byte[] expectedResult;
    private final byte[] frame;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private int lineStart;
    private int lineEnd;
    private long nextSend = 1;
    private long nextReceive = 1;

    private DirectWorker(Process process, String command, String argsJson) {
        this.process = process;
        this.out = process.getOutputStream();
        this.in = process.getInputStream();
        this.requestTail = (",\"command\":\"" + command + "\",\"args\":" + argsJson + "}\n").getBytes(StandardCharsets.UTF_8);
        this.expectedResult = (argsJson + "}").getBytes(StandardCharsets.UTF_8);
        this.frame = new byte[REQUEST_HEAD.length + 20 + requestTail.length];
        System.arraycopy(REQUEST_HEAD, 0, frame, 0, REQUEST_HEAD.length);
    }

    /** Launches a worker process (same command line and environment as the pool's); returns before it is ready. */
    static DirectWorker launch(String python, Path runtimeDir, String adapter, String workerId, String echoArgsJson)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(python, "-u", "-m", "pooler_worker", "--adapter", adapter,
                "--worker-id", workerId, "--pool", "direct"))
                .directory(runtimeDir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.put("PYTHONPATH", runtimeDir.toString());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        return new DirectWorker(pb.start(), "echo", echoArgsJson);
    }

    /** Blocks until the handshake line arrives; fails if the worker refused to start or died. */
    void awaitReady() throws IOException {
        readLine();
        String line = new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
        if (!line.startsWith("{\"ready\":true")) {
            throw new IOException("worker pid " + process.pid() + " did not start: " + line);
        }
    }

    /** One request, one reply, on this thread. */
    void roundTrip() throws IOException {
        send();
        receive();
    }

    /** Writes the next request line (ids count up from 1). */
    void send() throws IOException {
        int n = REQUEST_HEAD.length;
        n = writeDigits(nextSend++, frame, n);
        System.arraycopy(requestTail, 0, frame, n, requestTail.length);
        out.write(frame, 0, n + requestTail.length);
        out.flush();
    }

    /** Reads the next reply line and checks it is the successful echo of the oldest unanswered request. */
    void receive() throws IOException {
        readLine();
        long id = nextReceive++;
        int p = lineStart;
        if (!startsWith(REQUEST_HEAD, p)) {
            throw unexpected(id);
        }
        p += REQUEST_HEAD.length;
        long got = 0;
        int digits = 0;
        while (p < lineEnd && buf[p] >= '0' && buf[p] <= '9') {
            got = got * 10 + (buf[p++] - '0');
            digits++;
        }
        if (digits == 0 || got != id || !startsWith(OK_HEAD, p)) {
            throw unexpected(id);
        }
        p += OK_HEAD.length;
        if (lineEnd - p != expectedResult.length || !startsWith(expectedResult, p)) {
            throw unexpected(id);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Closes stdin (the worker exits at once) and waits briefly for the process to end. */
    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void readLine() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i < lim; i++) {
                if (buf[i] == '\n') {
                    lineStart = pos;
                    lineEnd = i;
                    pos = i + 1;
                    return;
                }
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            if (lim == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            scan = lim;
            // at most 8 KiB a call: the JDK reads that much through a stack buffer, more through a malloc per call
            int n = in.read(buf, lim, Math.min(READ_CHUNK, buf.length - lim));
            if (n < 0) {
                throw new EOFException("worker pid " + process.pid() + " closed its output");
            }
            lim += n;
        }
    }

    private boolean startsWith(byte[] prefix, int at) {
        if (lineEnd - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private IOException unexpected(long id) {
        String line = new String(buf, lineStart, Math.min(lineEnd - lineStart, 300), StandardCharsets.UTF_8);
        return new IOException("worker pid " + process.pid() + ": expected the echo reply to request " + id + ", got: " + line);
    }

    private static int writeDigits(long v, byte[] into, int at) {
        if (v == 0) {
            into[at] = '0';
            return at + 1;
        }
        int len = 0;
        for (long x = v; x > 0; x /= 10) {
            len++;
        }
        for (int i = at + len - 1; i >= at; i--) {
            into[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return at + len;
    }
}
