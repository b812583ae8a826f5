package dev.pooler.api;

/** The kinds of failure a request can end with. Every accepted request ends with a result or one of these. */
public enum ErrorKind {
    /** The pool's queue is full; another pool may take the request. */
    POOL_OVERLOADED(true),
    /** No configured pool offers the command's capability. */
    NO_CAPABLE_POOL(false),
    /** The request ran past its timeout; the worker was killed and replaced. */
    TIMEOUT(false),
    /** The worker process died while it held the request. */
    WORKER_CRASHED(true),
    /** The worker answered with an error (an exception in the adapter, an unknown command). */
    WORKER_ERROR(false),
    /** The request itself is invalid: bad command name, bad arguments, bad JSON. */
    BAD_REQUEST(false),
    /** The pool is stopping (or failed) and takes no more work. */
    SHUTTING_DOWN(true);

    private final boolean retryableElsewhere;

    ErrorKind(boolean retryableElsewhere) {
        this.retryableElsewhere = retryableElsewhere;
    }

    /**
     * Whether a router may send the request to another pool after this error.
     * {@link #WORKER_CRASHED} is re-run only for requests marked {@link Request#retryable()}.
     */
    public boolean retryableElsewhere() {
        return retryableElsewhere;
    }
}
