package dev.pooler.strategies.ml.internal;

/**
 * What has been learned about one pool's service time for one kind of request: an exponentially
 * weighted mean and variance (milliseconds), how much evidence backs them, and when the last
 * observation came. Immutable; {@link #observe} returns the next estimate.
 *
 * @param meanMs     EWMA of service times
 * @param varianceMs EWMA variance of service times (ms squared)
 * @param weight     evidence: observations counted so far, capped at {@code 1 / minAlpha}, fading with age
 * @param stampNanos clock reading of the last observation
 * @param streak     consecutive observations far outside the estimate: positive above it, negative below
 * @param streakSum  their sum (ms)
 */
record ServiceTimeEstimate(double meanMs, double varianceMs, double weight, long stampNanos, int streak,
                           double streakSum) {

    static final ServiceTimeEstimate NONE = new ServiceTimeEstimate(0, 0, 0, 0, 0, 0);

    /** The time scale of {@code gapAlpha}: an answer after half a second's silence counts for about 0.63. */
    static final double GAP_NANOS = 500e6;

    /** Answers in a row far below the estimate that mean the pool got faster. */
    static final int SHIFT_DOWN = 2;

    /** The evidence left at {@code now}: it halves in {@code ln 2 x staleNanos} without news. */
    double confidence(long now, double staleNanos) {
        if (weight == 0) {
            return 0;
        }
        long age = now - stampNanos;
        return age <= 0 ? weight : weight * Math.exp(-age / staleNanos);
    }

    /**
     * Adds one observation. The step is {@code 1 / (confidence + 1)} but never below
     * {@code minAlpha}: the first observation, or the first after a long silence, replaces an old
     * estimate outright; a steady stream slides with {@code minAlpha}, so a change shows within a
     * few dozen requests.
     */
    ServiceTimeEstimate observe(double x, long now, double minAlpha, double staleNanos) {
        double c = confidence(now, staleNanos);
        int side = c < 2 ? 0 : sideOf(x);
        if (side > 0) {
            side = 0; // far above: heavy-tailed noise as often as news, so it slides like any answer
        }
        if (side != 0) {
            boolean continues = Integer.signum(streak) == side;
            int run = continues ? streak + side : side;
            double runSum = continues ? streakSum + x : x;
            if (run <= -SHIFT_DOWN) {
                // The pool got faster (a slow spell ended): sliding by minAlpha would take dozens of answers,
                // and a pool avoided while slow sends only a few. Restart from the new level, keeping the
                // shape (coefficient of variation) learned so far. A pool that gets slower needs no such
                // rule: its queue grows at once, and planning counts the queue.
                double level = runSum / Math.abs(run);
                double cv2 = meanMs > 0 ? varianceMs / (meanMs * meanMs) : 0;
                return new ServiceTimeEstimate(level, cv2 * level * level, Math.abs(run), now, 0, 0);
            }
            ServiceTimeEstimate base = continues ? this : settled(now, minAlpha, staleNanos);
            // Held back until the next answer says whether it was news or noise.
            return new ServiceTimeEstimate(base.meanMs, base.varianceMs, base.weight, base.stampNanos, run, runSum);
        }
        return settled(now, minAlpha, staleNanos).slide(x, now, minAlpha, staleNanos);
    }

    /** This estimate with any held-back outliers folded in as ordinary observations. */
    private ServiceTimeEstimate settled(long now, double minAlpha, double staleNanos) {
        ServiceTimeEstimate e = new ServiceTimeEstimate(meanMs, varianceMs, weight, stampNanos, 0, 0);
        int held = Math.abs(streak);
        for (int i = 0; i < held; i++) {
            e = e.slide(streakSum / held, now, minAlpha, staleNanos);
        }
        return e;
    }

    private ServiceTimeEstimate slide(double x, long now, double minAlpha, double staleNanos) {
        double c = confidence(now, staleNanos);
        // Irregular sampling: an answer after a long gap (a pool the strategy avoids, seen only when it
        // explores) stands for that whole gap, so it moves the estimate more than one of a steady stream.
        double gapAlpha = weight == 0 ? 1 : 1 - Math.exp(-Math.max(0, now - stampNanos) / GAP_NANOS);
        double alpha = Math.max(Math.max(minAlpha, 1.0 / (c + 1.0)), gapAlpha);
        double diff = x - meanMs;
        double incr = alpha * diff;
        double mean = meanMs + incr;
        double var = (1 - alpha) * (varianceMs + diff * incr);
        return new ServiceTimeEstimate(mean, var, Math.min(c + 1.0, 1.0 / minAlpha), now, 0, 0);
    }

    /**
     * +1 if {@code x} lies far above the estimate, -1 far below, 0 otherwise. "Far" is at least half
     * the mean and three standard deviations: with exponential service times that never happens
     * below, so {@link #SHIFT_DOWN} in a row is news, not noise.
     */
    private int sideOf(double x) {
        double band = Math.max(0.5 * meanMs, 3 * Math.sqrt(Math.max(0, varianceMs)));
        return x > meanMs + band ? 1 : x < meanMs - band ? -1 : 0;
    }

    /**
     * The service time to plan with: the learned mean pulled toward {@code priorMs} as if the prior
     * were {@code priorWeight} observations. A fresh, well-observed estimate is nearly its own mean;
     * an old or thin one drifts back to the prior, so a pool that was slow once is tried again.
     */
    double plannedMs(long now, double staleNanos, double priorMs, double priorWeight) {
        double c = confidence(now, staleNanos);
        if (c == 0) {
            return priorMs;
        }
        return (c * meanMs + priorWeight * priorMs) / (c + priorWeight);
    }

    /** Squared coefficient of variation, pulled toward 1 (exponential service) while evidence is thin. */
    double cv2(long now, double staleNanos, double priorWeight) {
        double c = confidence(now, staleNanos);
        double observed = meanMs <= 0 ? 1.0 : Math.min(4.0, varianceMs / (meanMs * meanMs));
        return (c * observed + priorWeight) / (c + priorWeight);
    }
}
