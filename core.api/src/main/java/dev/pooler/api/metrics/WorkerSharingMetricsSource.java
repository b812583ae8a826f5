package dev.pooler.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Published by the worker-sharing bundle so that {@link MultiPoolMetrics} can report its figures.
 * Called on the metrics caller's thread: must be fast and never block.
 */
@ConsumerType
public interface WorkerSharingMetricsSource {

    /** The group as the sharing service sees it now; {@code serviceAvailable} should be {@code true}. */
    WorkerSharingMetrics workerSharingMetrics();
}
