package dev.pooler.core.impl.pool;

import dev.pooler.api.ErrorKind;
import java.util.concurrent.atomic.AtomicLong;

/** A pool's request counters and recent latencies. Thread-safe, lock-free. */
final class PoolCounters {

    final String poolId;
    final LatencyWindow latencies = new LatencyWindow();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong crashes = new AtomicLong();
    final AtomicLong restarts = new AtomicLong();
    final AtomicLong duplicateAnswers = new AtomicLong();
    /** Requests their callers cancelled: neither completed nor failed. */
    final AtomicLong cancelled = new AtomicLong();
    /** Requests turned away before any worker saw them (queue full, pool failed or stopping): not failures of this pool. */
    final AtomicLong refused = new AtomicLong();

    PoolCounters(String poolId) {
        this.poolId = poolId;
    }

    void succeeded(long queuedNanos, long serviceNanos) {
        latencies.record(queuedNanos + serviceNanos, serviceNanos);
        completed.incrementAndGet();
    }

    /** @param serviceNanos time on a worker, or -1 when no worker took the request */
    void failed(ErrorKind kind, long queuedNanos, long serviceNanos) {
        if (kind == ErrorKind.CANCELLED) {
            cancelled.incrementAndGet();
            return;
        }
        if (serviceNanos < 0 && (kind == ErrorKind.POOL_OVERLOADED || kind == ErrorKind.SHUTTING_DOWN)) {
            refused.incrementAndGet(); // another pool may well serve it
            return;
        }
        if (serviceNanos >= 0) {
            latencies.record(queuedNanos + serviceNanos, serviceNanos);
        }
        if (kind == ErrorKind.TIMEOUT) {
            timeouts.incrementAndGet();
        }
        failed.incrementAndGet();
    }

    void duplicateAnswer() {
        duplicateAnswers.incrementAndGet();
    }
}
