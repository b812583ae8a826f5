package dev.pooler.api.metrics;

import java.util.List;
import java.util.Map;

/**
 * One histogram series as Prometheus sees it: how many observations fell at or below each upper bound
 * (cumulative), their sum and their count. Durations are in seconds.
 *
 * @param labels           the series' labels (bounded: pool ids, command families, strategy names)
 * @param upperBounds      the finite bucket bounds, ascending; the implicit last bucket is {@code +Inf}
 * @param cumulativeCounts observations {@code <=} each bound, same length as {@code upperBounds}
 * @param sum              the sum of all observations
 * @param count            all observations (the {@code +Inf} bucket)
 */
public record HistogramSnapshot(Map<String, String> labels, List<Double> upperBounds, List<Long> cumulativeCounts,
                                double sum, long count) {

    public HistogramSnapshot {
        labels = Map.copyOf(labels);
        upperBounds = List.copyOf(upperBounds);
        cumulativeCounts = List.copyOf(cumulativeCounts);
        if (upperBounds.size() != cumulativeCounts.size()) {
            throw new IllegalArgumentException("histogram: " + upperBounds.size() + " bounds but "
                    + cumulativeCounts.size() + " bucket counts");
        }
    }
}
