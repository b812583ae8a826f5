package dev.pooler.api.metrics;

/**
 * Summary of a set of durations, in milliseconds.
 *
 * @param count  how many
 * @param meanMs their mean
 * @param maxMs  the longest
 * @param p95Ms  the 95th percentile
 */
public record DurationStats(long count, double meanMs, double maxMs, double p95Ms) {

    public static final DurationStats EMPTY = new DurationStats(0, 0.0, 0.0, 0.0);
}
