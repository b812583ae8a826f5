package dev.pooler.core.impl.histogram;

import dev.pooler.api.metrics.LatencyHistograms;

/** A part of the platform that records durations: a pool fills the per-pool lists, the router the routing one. */
public interface HistogramSource {

    /** What it recorded so far, as snapshots; lists it does not record are empty. */
    LatencyHistograms latencyHistograms();
}
