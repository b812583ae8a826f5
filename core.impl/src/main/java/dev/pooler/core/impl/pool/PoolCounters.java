package dev.pooler.core.impl.pool;

import dev.pooler.api.ErrorKind;
import dev.pooler.core.impl.histogram.DurationHistogram;
import dev.pooler.core.impl.histogram.LabelledHistograms;
import java.util.concurrent.atomic.AtomicLong;

/** A pool's request counters, recent latencies and duration histograms. Thread-safe, lock-free. */
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
    /** Acceptance to answer, per command family (refused requests are not in it). */
    final LabelledHistograms requestDurations = new LabelledHistograms("family");
    /** Acceptance to a worker taking the request, or to its failure while it waited. */
    final DurationHistogram queueWaits = new DurationHistogram();
    /** Launch of a worker process to its ready message. */
    final DurationHistogram workerStarts = new DurationHistogram();

    PoolCounters(String poolId) {
        this.poolId = poolId;
    }

    void succeeded(DurationHistogram duration, long queuedNanos, long serviceNanos) {
        latencies.record(queuedNanos + serviceNanos, serviceNanos);
        duration.record(queuedNanos + serviceNanos);
        queueWaits.record(queuedNanos);
        completed.incrementAndGet();
    }

    /** @param serviceNanos time on a worker, or -1 when no worker took the request */
    void failed(ErrorKind kind, DurationHistogram duration, long queuedNanos, long serviceNanos) {
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
        duration.record(queuedNanos + Math.max(0, serviceNanos));
        queueWaits.record(queuedNanos);
        if (kind == ErrorKind.TIMEOUT) {
            timeouts.incrementAndGet();
        }
        failed.incrementAndGet();
    }

    void duplicateAnswer() {
        duplicateAnswers.incrementAndGet();
    }
}
