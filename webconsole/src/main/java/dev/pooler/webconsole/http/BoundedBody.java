package dev.pooler.webconsole.http;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body of at most a given size, received whole or in pieces (non-blocking reads); a larger one is refused
 * (HTTP 413) without reading it all. Its text must be valid UTF-8: a body is never silently altered by replacement
 * characters.
 */
public final class BoundedBody {

    /** The default limit: 1 MiB. */
    public static final int DEFAULT_LIMIT = 1 << 20;

    /** A body over the limit. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("request body larger than " + limit + " bytes");
        }
    }

    private final int limit;
    private final ByteArrayOutputStream bytes;

    /**
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     * @throws TooLargeException when the declared length is already over the limit
     */
    public BoundedBody(long declaredLength, int limit) throws TooLargeException {
        if (declaredLength > limit) {
            throw new TooLargeException(limit);
        }
        this.limit = limit;
        this.bytes = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 1024);
    }

    /** Adds the next piece; refuses the one that takes the body over the limit. */
    public void append(byte[] buffer, int offset, int length) throws TooLargeException {
        if (length > limit - bytes.size()) {
            throw new TooLargeException(limit);
        }
        bytes.write(buffer, offset, length);
    }

    /** The body as text; a {@code BAD_REQUEST} naming the first byte that is not UTF-8. */
    public String text() {
        return utf8(bytes.toByteArray());
    }

    /**
     * Reads a whole body with blocking reads.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     */
    public static String read(InputStream in, long declaredLength, int limit) throws IOException {
        BoundedBody body = new BoundedBody(declaredLength, limit);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            body.append(buf, 0, n);
        }
        return body.text();
    }

    static String utf8(byte[] data) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(data);
        CharBuffer out = CharBuffer.allocate(data.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position(); // a reported error leaves the position on the first bad byte
            throw new PoolerException(ErrorKind.BAD_REQUEST,
                    String.format("the body is not valid UTF-8 at byte %d (0x%02x)", at, data[at] & 0xff));
        }
        return out.flip().toString();
    }
}
