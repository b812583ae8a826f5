package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams over a connected Unix domain socket, read and written from different threads at once.
 * {@code Channels.newInputStream} would not do: on Java 17 its reads and writes share the channel's
 * blocking lock, so a reader waiting for a reply would hold up every write.
 */
final class SocketStreams {

    private SocketStreams() {
    }

    static InputStream in(SocketChannel ch) {
        return new InputStream() {
            private ByteBuffer wrapped = ByteBuffer.allocate(0);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer bb = wrapped;
                if (!bb.hasArray() || bb.array() != b) {
                    bb = ByteBuffer.wrap(b); // the caller reads into the same array every time: wrapped once
                    wrapped = bb;
                }
                bb.limit(off + len).position(off);
                return ch.read(bb);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /** Bytes of the buffer a stream writes through (frames are copied in; no wrapper object per write). */
    static final int WRITE_BUFFER = 16 * 1024;

    /** Writes are the caller's to serialize ({@code WorkerProcess} writes under its lock). */
    static OutputStream out(SocketChannel ch) {
        return new OutputStream() {
            private final ByteBuffer buf = ByteBuffer.allocateDirect(WRITE_BUFFER);

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, buf.capacity());
                    buf.clear();
                    buf.put(b, off, n).flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    off += n;
                    len -= n;
                }
            }

            /** The worker's end of input (its stdin EOF); what it still writes can be read. */
            @Override
            public void close() throws IOException {
                if (ch.isOpen()) {
                    ch.shutdownOutput();
                }
            }
        };
    }

    /**
     * Reads a connection's first line, exactly {@code length} bytes with its newline (so nothing after it is
     * taken); null if the connection ends first or the line is not that long.
     */
    static String hello(SocketChannel ch, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return null;
            }
        }
        String line = new String(b.array(), java.nio.charset.StandardCharsets.US_ASCII);
        return line.endsWith("\n") ? line.substring(0, length - 1) : null;
    }
}
