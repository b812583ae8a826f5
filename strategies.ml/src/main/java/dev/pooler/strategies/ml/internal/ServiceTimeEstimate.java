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
 */
record ServiceTimeEstimate(double meanMs, double varianceMs, double weight, long stampNanos) {

    static final ServiceTimeEstimate NONE = new ServiceTimeEstimate(0, 0, 0, 0);

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
        double alpha = Math.max(minAlpha, 1.0 / (c + 1.0));
        double diff = x - meanMs;
        double incr = alpha * diff;
        double mean = meanMs + incr;
        double var = (1 - alpha) * (varianceMs + diff * incr);
        return new ServiceTimeEstimate(mean, var, Math.min(c + 1.0, 1.0 / minAlpha), now);
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
