package dev.pooler.api.metrics;

import java.util.Map;

/**
 * Statistics over the router's most recent routing decisions (a bounded window, not all time).
 *
 * @param window            how many recent decisions were looked at
 * @param byPool            decisions per chosen pool ({@code none} when no pool could be chosen)
 * @param byStrategy        decisions per strategy
 * @param byOutcome         decisions per outcome ({@code ok}, an error kind, {@code pending})
 * @param meanDecisionMicros mean time spent deciding, in microseconds
 */
public record RoutingDecisionStats(int window, Map<String, Long> byPool, Map<String, Long> byStrategy,
                                   Map<String, Long> byOutcome, double meanDecisionMicros) {

    public RoutingDecisionStats {
        byPool = Map.copyOf(byPool);
        byStrategy = Map.copyOf(byStrategy);
        byOutcome = Map.copyOf(byOutcome);
    }

    public static RoutingDecisionStats empty() {
        return new RoutingDecisionStats(0, Map.of(), Map.of(), Map.of(), 0.0);
    }
}
