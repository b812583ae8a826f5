package dev.pooler.bench.strategies;

import java.util.Locale;

/**
 * One load situation: the speed factor of each pool, optionally a window during which one pool turns
 * slower, and the offered load. All times are from the start of a run's arrivals, in nanoseconds.
 *
 * @param name        short name ({@link #UNEQUAL}, {@link #SLOW_WINDOW})
 * @param factors     speed factor of each pool outside the window
 * @param slowPool    index of the pool that slows down in the window, -1 for none
 * @param slowFactor  its factor inside the window
 * @param windowFrom  start of the window (ns from the first arrival's time origin)
 * @param windowTo    end of the window
 * @param ratePerMs   offered requests per millisecond
 * @param deadlineMs  6 x the calibrated median service time of the fastest pool
 * @param capacityPerMs the smallest total capacity the scenario has (requests/ms), from calibration
 */
record Scenario(String name, double[] factors, int slowPool, double slowFactor, long windowFrom, long windowTo,
                double ratePerMs, double deadlineMs, double capacityPerMs) {

    static final String UNEQUAL = "unequal";
    static final String SLOW_WINDOW = "slow_window";
    /** Several request types whose cost differs per pool ({@link MixedWorkload}). */
    static final String MIXED = "mixed";

    boolean mixed() {
        return MIXED.equals(name);
    }

    /** The requests answered within this multiple of the fastest pool's median service time count as on time. */
    static final double DEADLINE_MULTIPLE = 6.0;

    boolean hasWindow() {
        return slowPool >= 0;
    }

    /** The factor of pool {@code i} at {@code t} ns into the run. */
    double factor(int i, long t) {
        return i == slowPool && t >= windowFrom && t < windowTo ? slowFactor : factors[i];
    }

    String describe(String[] poolIds, int workers, double baseMs) {
        if (mixed()) {
            return String.format(Locale.ROOT, "%s: 3 pools x %d workers of the mixed adapter; %s; %.0f requests/s = %.0f%%"
                            + " of %.0f/s (the best static placement); deadline %.1f ms",
                    name, workers, MixedWorkload.describe(poolIds), ratePerMs * 1000, 100 * ratePerMs / capacityPerMs,
                    capacityPerMs * 1000, deadlineMs);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: pools ", name));
        for (int i = 0; i < factors.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(poolIds[i]).append(' ').append(StrategyOptions.num(factors[i]))
                    .append("x (").append(workers).append(" workers, ").append(fmt(baseMs * factors[i])).append(" ms)");
        }
        if (hasWindow()) {
            sb.append(String.format(Locale.ROOT, "; pool %s %sx (%s ms) in [%.1f s, %.1f s)", poolIds[slowPool],
                    StrategyOptions.num(slowFactor), fmt(baseMs * slowFactor), windowFrom / 1e9, windowTo / 1e9));
        }
        sb.append(String.format(Locale.ROOT, "; %.0f requests/s = %.0f%% of %.0f/s%s; deadline %.1f ms",
                ratePerMs * 1000, 100 * ratePerMs / capacityPerMs, capacityPerMs * 1000,
                hasWindow() ? " (the capacity in the window)" : "", deadlineMs));
        return sb.toString();
    }

    private static String fmt(double ms) {
        return StrategyOptions.num(Math.round(ms * 10) / 10.0);
    }
}
