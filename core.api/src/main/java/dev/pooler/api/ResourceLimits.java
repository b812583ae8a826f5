package dev.pooler.api;

import java.time.Duration;

/**
 * A pool's resource limits.
 *
 * @param maxQueue             requests that may wait for a worker; one more is refused with {@link ErrorKind#POOL_OVERLOADED}
 * @param requestTimeout       how long one request may run before its worker is killed and the caller gets {@link ErrorKind#TIMEOUT}
 * @param maxMemoryMb          resident memory a worker may reach; past it the worker is recycled after its current request (0 = no limit)
 * @param maxRequestsPerWorker requests one worker serves before it is recycled (0 = no limit)
 * @param maxRestarts          restarts allowed within {@code restartWindow}; one more marks the pool failed
 * @param restartWindow        the window of the restart-intensity limit
 * @param maxReplyBytes        the longest reply line a worker may write; a longer one fails its request
 *                             with {@link ErrorKind#WORKER_ERROR} naming the limit, and is never held whole
 * @param maxLogLineBytes      the longest stderr line of a worker kept for the log; longer ones are cut
 */
public record ResourceLimits(int maxQueue, Duration requestTimeout, long maxMemoryMb, long maxRequestsPerWorker,
                             int maxRestarts, Duration restartWindow, int maxReplyBytes, int maxLogLineBytes) {

    public static final int DEFAULT_MAX_QUEUE = 1000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMillis(DEFAULT_REQUEST_TIMEOUT_MS);
    public static final long DEFAULT_MAX_MEMORY_MB = 2048;
    public static final long DEFAULT_MAX_REQUESTS_PER_WORKER = 0;
    public static final int DEFAULT_MAX_RESTARTS = 10;
    public static final long DEFAULT_RESTART_WINDOW_S = 60;
    public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofSeconds(DEFAULT_RESTART_WINDOW_S);
    public static final int DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_LOG_LINE_BYTES = 8 * 1024;
    /** A timeout or window beyond this (about 31 years) is a typo, and would overflow nanosecond arithmetic. */
    public static final Duration MAX_DURATION = Duration.ofDays(365L * 31);

    public ResourceLimits {
        if (maxQueue < 0) {
            throw new InvalidConfigException("max_queue", "must be >= 0, was " + maxQueue);
        }
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new InvalidConfigException("request_timeout", "must be a positive duration, was " + requestTimeout);
        }
        if (maxMemoryMb < 0) {
            throw new InvalidConfigException("max_memory_mb", "must be >= 0 (0 = no limit), was " + maxMemoryMb);
        }
        if (maxRequestsPerWorker < 0) {
            throw new InvalidConfigException("max_requests_per_worker", "must be >= 0 (0 = no limit), was " + maxRequestsPerWorker);
        }
        if (maxRestarts < 0) {
            throw new InvalidConfigException("max_restarts", "must be >= 0, was " + maxRestarts);
        }
        if (restartWindow == null || restartWindow.isNegative() || restartWindow.isZero()) {
            throw new InvalidConfigException("restart_window", "must be a positive duration, was " + restartWindow);
        }
        if (requestTimeout.compareTo(MAX_DURATION) > 0) {
            throw new InvalidConfigException("request_timeout", "must be at most " + MAX_DURATION.toDays() + " days, was " + requestTimeout);
        }
        if (restartWindow.compareTo(MAX_DURATION) > 0) {
            throw new InvalidConfigException("restart_window", "must be at most " + MAX_DURATION.toDays() + " days, was " + restartWindow);
        }
        if (maxReplyBytes < 1024) {
            throw new InvalidConfigException("max_reply_bytes", "must be >= 1024, was " + maxReplyBytes);
        }
        if (maxLogLineBytes < 80) {
            throw new InvalidConfigException("max_log_line_bytes", "must be >= 80, was " + maxLogLineBytes);
        }
    }

    /** Limits with the default reply and log-line bounds. */
    public ResourceLimits(int maxQueue, Duration requestTimeout, long maxMemoryMb, long maxRequestsPerWorker,
                          int maxRestarts, Duration restartWindow) {
        this(maxQueue, requestTimeout, maxMemoryMb, maxRequestsPerWorker, maxRestarts, restartWindow,
                DEFAULT_MAX_REPLY_BYTES, DEFAULT_MAX_LOG_LINE_BYTES);
    }

    /** The seed's default limits. */
    public static ResourceLimits defaults() {
        return new ResourceLimits(DEFAULT_MAX_QUEUE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_MEMORY_MB,
                DEFAULT_MAX_REQUESTS_PER_WORKER, DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW);
    }
}
