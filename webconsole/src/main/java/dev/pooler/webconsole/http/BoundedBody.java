package dev.pooler.webconsole.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads a request body of at most a given size; a larger one is refused (HTTP 413) without reading it all. */
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

    private BoundedBody() {
    }

    /**
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     */
    public static String read(InputStream in, long declaredLength, int limit) throws IOException {
        if (declaredLength > limit) {
            throw new TooLargeException(limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 1024);
        byte[] buf = new byte[8192];
        int total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (total > limit) {
                throw new TooLargeException(limit);
            }
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
