package dev.pooler.core.impl.metrics;

import dev.pooler.api.Pool;
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.core.impl.histogram.HistogramSource;
import java.util.ArrayList;
import java.util.List;

/** Gathers the histograms of the pools and the router that record them into one {@link LatencyHistograms}. */
final class HistogramMerge {

    private final List<HistogramSnapshot> requestDuration = new ArrayList<>();
    private final List<HistogramSnapshot> queueWait = new ArrayList<>();
    private final List<HistogramSnapshot> workerStart = new ArrayList<>();
    private final List<HistogramSnapshot> routingDecision = new ArrayList<>();

    private HistogramMerge() {
    }

    static LatencyHistograms of(List<Pool> pools, RequestRouter router) {
        HistogramMerge m = new HistogramMerge();
        for (Pool p : pools) {
            m.add(p);
        }
        m.add(router);
        return new LatencyHistograms(m.requestDuration, m.queueWait, m.workerStart, m.routingDecision);
    }

    /** Adds what {@code part} recorded, if it records anything (a pool or router of another bundle may not). */
    private void add(Object part) {
        if (part instanceof HistogramSource s) {
            LatencyHistograms h = s.latencyHistograms();
            requestDuration.addAll(h.requestDuration());
            queueWait.addAll(h.queueWait());
            workerStart.addAll(h.workerStart());
            routingDecision.addAll(h.routingDecision());
        }
    }
}
