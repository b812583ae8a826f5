package dev.pooler.remote.internal;

import java.util.Arrays;

/**
 * The last {@link #SIZE} round-trip times of a remote pool, as the caller's node sees them (network included).
 * Recording is a lock-free ring write; the percentiles are computed at most every {@link #SUMMARY_NANOS}.
 */
final class RoundTrips {

    static final int SIZE = 256;
    static final long SUMMARY_NANOS = 250_000_000L;

    record Summary(int count, double meanMs, double p50Ms, double p99Ms) {
    }

    private final long[] ring = new long[SIZE];
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    private volatile Summary summary = new Summary(0, 0, 0, 0);
    private volatile long summarizedAt = Long.MIN_VALUE;

    void record(long nanos) {
        long n = written.getAndIncrement();
        ring[(int) (n % SIZE)] = nanos;
    }

    Summary summary() {
        long now = System.nanoTime();
        if (now - summarizedAt < SUMMARY_NANOS && summarizedAt != Long.MIN_VALUE) {
            return summary;
        }
        summarizedAt = now;
        int count = (int) Math.min(written.get(), SIZE);
        if (count == 0) {
            return summary;
        }
        long[] copy = Arrays.copyOf(ring, count);
        Arrays.sort(copy);
        double sum = 0;
        for (long v : copy) {
            sum += v;
        }
        summary = new Summary(count, sum / count / 1e6, copy[(count - 1) / 2] / 1e6,
                copy[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1e6);
        return summary;
    }
}
