package dev.pooler.core.impl.pool;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** The most recent request latencies of a pool, for its stats. Lock-free; readers see a near-consistent window. */
final class LatencyWindow {

    private static final int SIZE = 1024;
    private static final long MAX_AGE_NANOS = 100_000_000L;

    private final long[] latency = new long[SIZE];
    private final long[] service = new long[SIZE];
    private final AtomicLong count = new AtomicLong();
    /** The last summary and when it was computed: stats() is on the routing path, sorting is not. */
    private volatile double[] cached = {0, 0, 0, 0};
    private volatile long cachedAtNanos = System.nanoTime() - 2 * MAX_AGE_NANOS;
    private volatile long cachedCount = -1;

    void record(long latencyNanos, long serviceNanos) {
        int i = (int) (count.getAndIncrement() & (SIZE - 1));
        latency[i] = latencyNanos;
        service[i] = serviceNanos;
    }

    /**
     * {mean, p50, p99} of latency and the mean service time, in milliseconds; recomputed at most
     * every 100 ms (and at once when nothing was recorded since), so callers on a hot path pay nothing.
     */
    double[] summary() {
        long now = System.nanoTime();
        long c = count.get();
        if (c == cachedCount || now - cachedAtNanos < MAX_AGE_NANOS) {
            return cached;
        }
        double[] s = compute();
        cached = s;
        cachedCount = c;
        cachedAtNanos = now;
        return s;
    }

    private double[] compute() {
        int n = (int) Math.min(count.get(), SIZE);
        if (n == 0) {
            return new double[] {0, 0, 0, 0};
        }
        long[] l = Arrays.copyOf(latency, n);
        long sumService = 0;
        for (int i = 0; i < n; i++) {
            sumService += service[i];
        }
        Arrays.sort(l);
        long sum = 0;
        for (long v : l) {
            sum += v;
        }
        return new double[] {sum / (double) n / 1e6, l[(int) (0.50 * (n - 1))] / 1e6, l[(int) Math.ceil(0.99 * (n - 1))] / 1e6,
                sumService / (double) n / 1e6};
    }
}
