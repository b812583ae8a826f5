package dev.pooler.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, appended without boxing; percentiles by nearest rank. */
public final class Samples {

    private long[] values = new long[1 << 14];
    private int size;
    private boolean sorted;

    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
        sorted = false;
    }

    public int size() {
        return size;
    }

    /** The p-th percentile (0 &lt; p &le; 100) in nanoseconds. */
    public long percentile(double p) {
        if (size == 0) {
            return 0;
        }
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.max(0, Math.min(size, rank) - 1)];
    }

    public double mean() {
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return size == 0 ? 0 : (double) sum / size;
    }
}
