package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a process's output into UTF-8 lines at the byte level. Leaner than a BufferedReader over an
 * InputStreamReader, which asks the pipe how much is available after every read (an extra system
 * call per reply on the hot path).
 */
final class LineReader {

    private static final int READ_SIZE = 8192; // larger reads make the JDK allocate per call

    private final InputStream in;
    private byte[] buf = new byte[READ_SIZE * 2];
    private int start;
    private int end;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its terminator, or {@code null} at end of stream. */
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
}
