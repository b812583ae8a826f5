package dev.pooler.bench.strategies;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Open-loop arrivals: a seeded Poisson process, as offsets in nanoseconds from the run's origin. */
public final class Arrivals {

    private Arrivals() {
    }

    public static long[] poisson(double ratePerMs, long spanNanos, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double meanGapNanos = 1e6 / ratePerMs;
        long[] out = new long[Math.max(16, (int) (spanNanos / meanGapNanos * 1.2))];
        int n = 0;
        double t = 0;
        while (true) {
            t += -Math.log(1.0 - random.nextDouble()) * meanGapNanos;
            if (t >= spanNanos) {
                break;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = (long) t;
        }
        return Arrays.copyOf(out, n);
    }
}
