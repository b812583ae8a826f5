package dev.pooler.api.metrics;

import java.util.List;

/**
 * Where time goes, as histograms that add up across pools, command families and (later) nodes. Each list
 * holds one series per label set; a series appears once something was observed for it.
 *
 * @param requestDuration  from a pool accepting a request to its answer (queue + service), labels
 *                         {@code pool} and {@code family} (the router's command family, never a raw command)
 * @param queueWait        time a request waited in its pool's queue before a worker took it, label {@code pool}
 * @param workerStart      from launching a worker process to its ready message, label {@code pool}
 * @param routingDecision  time the router spent choosing a pool, label {@code strategy}
 */
public record LatencyHistograms(List<HistogramSnapshot> requestDuration, List<HistogramSnapshot> queueWait,
                                List<HistogramSnapshot> workerStart, List<HistogramSnapshot> routingDecision) {

    public LatencyHistograms {
        requestDuration = List.copyOf(requestDuration);
        queueWait = List.copyOf(queueWait);
        workerStart = List.copyOf(workerStart);
        routingDecision = List.copyOf(routingDecision);
    }

    public static LatencyHistograms empty() {
        return new LatencyHistograms(List.of(), List.of(), List.of(), List.of());
    }
}
