package dev.pooler.api;

import java.util.Objects;

/** The one error type of Pooler: a {@link ErrorKind} and a message that says what went wrong. */
public class PoolerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String poolId;

    public PoolerException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public PoolerException(ErrorKind kind, String message, String poolId) {
        this(kind, message, poolId, null);
    }

    public PoolerException(ErrorKind kind, String message, String poolId, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.poolId = poolId;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The pool that raised the error, or {@code null} when no pool was involved. */
    public String poolId() {
        return poolId;
    }

    @Override
    public String toString() {
        return kind + (poolId == null ? "" : " [" + poolId + "]") + ": " + getMessage();
    }

    /** Unwraps completion wrappers and returns the PoolerException inside, or wraps an unexpected failure. */
    public static PoolerException of(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof PoolerException pe) {
            return pe;
        }
        return new PoolerException(ErrorKind.WORKER_ERROR, String.valueOf(c), null, c);
    }
}
