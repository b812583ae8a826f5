package dev.pooler.api.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** The platform's cross-pool metrics, computed on demand from the pools, the router and the plug-ins present. */
@ProviderType
public interface MultiPoolMetrics {

    /** The seed's {@code get_comprehensive_metrics}: all five groups, taken now. Never blocks on a worker. */
    ComprehensiveMetrics comprehensiveMetrics();

    /** Request, queue, worker-start and routing-decision times as cumulative histograms, taken now. Never blocks. */
    LatencyHistograms latencyHistograms();
}
