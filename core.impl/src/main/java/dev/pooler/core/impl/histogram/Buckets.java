package dev.pooler.core.impl.histogram;

import java.util.Arrays;
import java.util.List;

/**
 * The upper bounds every duration histogram shares, in seconds: 1-2.5-5 steps from 10 µs (a routing
 * decision) to 10 s (a long model call), then 30 s, 1, 2 and 5 minutes (worker starts, long requests,
 * the default request timeout). One set for all, so that series add up across pools, families and nodes.
 */
public final class Buckets {

    /** The finite bounds; {@code +Inf} is implicit. */
    public static final List<Double> SECONDS = List.of(
            0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            10.0, 30.0, 60.0, 120.0, 300.0);

    private static final long[] NANOS = SECONDS.stream().mapToLong(s -> Math.round(s * 1e9)).toArray();

    private Buckets() {
    }

    /** How many buckets, counting {@code +Inf}. */
    static int count() {
        return NANOS.length + 1;
    }

    /** The bucket of a duration: the first whose bound is {@code >=} it ({@code le}), the last for beyond all. */
    static int indexOf(long nanos) {
        int i = Arrays.binarySearch(NANOS, nanos);
        return i >= 0 ? i : -i - 1;
    }
}
