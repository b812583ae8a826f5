package dev.pooler.core.impl.worker;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A frame built straight into bytes, in a buffer reused frame after frame: the request path writes each frame
 * without a StringBuilder, its String and the String's UTF-8 copy. Not thread-safe: its owner builds and writes
 * a frame under one lock.
 */
final class FrameBytes {

    private static final int KEEP = 64 * 1024; // a buffer grown past this for a big frame is given back afterwards

    private byte[] buf = new byte[512];
    private int len;

    FrameBytes reset() {
        if (buf.length > KEEP) {
            buf = new byte[512];
        }
        len = 0;
        return this;
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    /** Appends {@code s} as UTF-8; ASCII text without an intermediate copy. */
    FrameBytes append(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] rest = s.substring(i).getBytes(StandardCharsets.UTF_8);
                room(rest.length);
                System.arraycopy(rest, 0, buf, len, rest.length);
                len += rest.length;
                return this;
            }
            buf[len++] = (byte) c;
        }
        return this;
    }

    FrameBytes append(char c) {
        room(1);
        buf[len++] = (byte) c; // callers append ASCII punctuation only
        return this;
    }

    FrameBytes append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        room(20);
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return this;
    }
}
