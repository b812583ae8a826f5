package dev.pooler.api;

import java.util.Objects;

/** The one error type of Pooler: a {@link ErrorKind} and a message that says what went wrong. */
public class PoolerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String poolId;
    private final boolean reachedWorker;

    public PoolerException(ErrorKind kind, String message) {
        this(kind, message, null, null);
    }

    public PoolerException(ErrorKind kind, String message, String poolId) {
        this(kind, message, poolId, null);
    }

    public PoolerException(ErrorKind kind, String message, String poolId, Throwable cause) {
        this(kind, message, poolId, cause, kind.reachesWorker());
    }

    /**
     * @param reachedWorker whether the request may have run on a worker before it failed (a router
     *                      re-runs such a request elsewhere only if it is {@link Request#retryable()})
     */
    public PoolerException(ErrorKind kind, String message, String poolId, Throwable cause, boolean reachedWorker) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.poolId = poolId;
        this.reachedWorker = reachedWorker;
    }

    public ErrorKind kind() {
        return kind;
    }

    /**
     * Whether the request may have run (in part) on a worker: {@code false} for a refusal before any
     * worker saw it (queue full, pool stopping, queued work of a pool that stopped).
     */
    public boolean reachedWorker() {
        return reachedWorker;
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
