package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a process's output into UTF-8 lines at the byte level, with a bound on a line's length.
 * Leaner than a BufferedReader over an InputStreamReader, which asks the pipe how much is available
 * after every read (an extra system call per reply on the hot path). A line longer than the bound is
 * skipped without being kept: {@link #readLine()} returns {@link #OVERSIZED} and {@link #oversizedHead()}
 * / {@link #oversizedLength()} say what it was, so the heap holds at most the bound per worker.
 */
final class LineReader {

    /** Returned (by identity) for a line over the bound. */
    static final String OVERSIZED = new String("<oversized line>");
    /** Bytes of an oversized line kept to tell whose reply it was. */
    static final int HEAD_BYTES = 64;

    private static final int READ_SIZE = 8192; // larger reads make the JDK allocate per call

    private final InputStream in;
    /** Run before each read from the stream, when no complete line is buffered; may be null. */
    private final Runnable caughtUp;
    private final int maxLine;
    private byte[] buf = new byte[READ_SIZE * 2];
    private int start;
    private int end;
    private String oversizedHead = "";
    private long oversizedLength;

    /** @param maxLine the longest line kept, in bytes (without its terminator); 0 or less: no bound */
    LineReader(InputStream in, int maxLine) {
        this(in, maxLine, null);
    }

    /** @param caughtUp run each time every line read so far was returned and the reader is about to read (may block) */
    LineReader(InputStream in, int maxLine, Runnable caughtUp) {
        this.in = in;
        this.caughtUp = caughtUp;
        this.maxLine = maxLine <= 0 ? Integer.MAX_VALUE - 2 * READ_SIZE : maxLine;
    }

    /** The next line without its terminator, {@link #OVERSIZED}, or {@code null} at end of stream. */
    String readLine() throws IOException {
        int scanFrom = start;
        while (true) {
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    int len = i - start;
                    if (len > 0 && buf[i - 1] == '\r') {
                        len--;
                    }
                    String line = new String(buf, start, len, StandardCharsets.UTF_8);
                    start = i + 1;
                    return line;
                }
            }
            if (end - start > maxLine) {
                return skipOversized();
            }
            scanFrom = end;
            if (start > 0 && buf.length - end < READ_SIZE) {
                System.arraycopy(buf, start, buf, 0, end - start);
                scanFrom -= start;
                end -= start;
                start = 0;
            }
            if (buf.length - end < READ_SIZE) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            if (caughtUp != null) {
                caughtUp.run();
            }
            int n = in.read(buf, end, READ_SIZE);
            if (n < 0) {
                if (end > start) {
                    String last = new String(buf, start, end - start, StandardCharsets.UTF_8);
                    start = end;
                    return last;
                }
                return null;
            }
            end += n;
        }
    }

    /** Drops the current line up to its newline (or the end of the stream), keeping its head. */
    private String skipOversized() throws IOException {
        oversizedHead = new String(buf, start, Math.min(HEAD_BYTES, end - start), StandardCharsets.UTF_8);
        long length = end - start;
        start = 0;
        end = 0;
        if (buf.length > READ_SIZE * 4) {
            buf = new byte[READ_SIZE * 2]; // give the memory back
        }
        while (true) {
            int n = in.read(buf, 0, READ_SIZE);
            if (n < 0) {
                oversizedLength = length;
                return OVERSIZED;
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    oversizedLength = length + i;
                    start = i + 1;
                    end = n;
                    return OVERSIZED;
                }
            }
            length += n;
        }
    }

    /** The first bytes of the last oversized line. */
    String oversizedHead() {
        return oversizedHead;
    }

    /** The length in bytes of the last oversized line. */
    long oversizedLength() {
        return oversizedLength;
    }
}
