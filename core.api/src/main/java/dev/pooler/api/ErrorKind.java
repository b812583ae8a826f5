package dev.pooler.api;

/** The kinds of failure a request can end with. Every accepted request ends with a result or one of these. */
public enum ErrorKind {
    /** The pool's queue is full; another pool may take the request. */
    POOL_OVERLOADED(true, false),
    /** No pool offers the command's capability, or the pool the request names does not exist. */
    NO_CAPABLE_POOL(false, false),
    /** The request waited and ran longer than its timeout (queue time counts); a running worker was killed. */
    TIMEOUT(false, true),
    /** The worker process died while it held the request. */
    WORKER_CRASHED(true, true),
    /** The worker answered with an error (an exception in the adapter, an unknown command, a reply over the limit). */
    WORKER_ERROR(false, true),
    /** The request itself is invalid: bad command name, bad arguments, bad JSON, unknown strategy. */
    BAD_REQUEST(false, false),
    /** The pool is stopping (or failed) and takes no more work. */
    SHUTTING_DOWN(true, false),
    /**
     * The caller cancelled the request (the future's {@code cancel}, {@link ResponseStream#cancel}, a client that
     * went away, {@code pooler:cancel}): removed from the queue, or its worker told to stop (and recycled if it
     * does not within the grace period). Never retried.
     */
    CANCELLED(false, false);

    private final boolean retryableElsewhere;
    private final boolean reachesWorker;

    ErrorKind(boolean retryableElsewhere, boolean reachesWorker) {
        this.retryableElsewhere = retryableElsewhere;
        this.reachesWorker = reachesWorker;
    }

    /**
     * Whether a router may send the request to another pool after this error. The one rule, applied by
     * the router in one place: a request that never reached a worker ({@link PoolerException#reachedWorker()}
     * false) may try every other capable pool once each; one that ran may run once more, elsewhere, and
     * only if it is {@link Request#retryable()} — at most two runs in all.
     */
    public boolean retryableElsewhere() {
        return retryableElsewhere;
    }

    /** Whether an error of this kind usually means the request reached a worker (the default of {@link PoolerException#reachedWorker()}). */
    public boolean reachesWorker() {
        return reachesWorker;
    }
}
