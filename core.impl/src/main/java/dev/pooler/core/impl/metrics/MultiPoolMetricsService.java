package dev.pooler.core.impl.metrics;

import dev.pooler.api.PoolRegistry;
import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.api.metrics.SessionAffinityMetricsSource;
import dev.pooler.api.metrics.WorkerSharingMetricsSource;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.session.SessionSync;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link MultiPoolMetrics} service. The router and the sharing and affinity plug-ins are optional
 * and may come and go: their groups are reported as unavailable while they are absent.
 */
@Component(service = MultiPoolMetrics.class)
public class MultiPoolMetricsService implements MultiPoolMetrics {

    private final PoolRegistry registry;
    private final SessionSync sessions;
    private final MetricsCollector collector = new MetricsCollector(System::nanoTime);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RequestRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkerSharingMetricsSource sharing;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionAffinityMetricsSource affinity;

    @Activate
    public MultiPoolMetricsService(@Reference PoolRegistry registry, @Reference SessionSync sessions) {
        this.registry = registry;
        this.sessions = sessions;
    }

    @Override
    public LatencyHistograms latencyHistograms() {
        return HistogramMerge.of(registry.pools(), router);
    }

    @Override
    public ComprehensiveMetrics comprehensiveMetrics() {
        return collector.collect(registry.pools(), router, sharing, affinity, sessions.traffic(),
                System.currentTimeMillis());
    }
}
