package dev.pooler.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Published by the session-affinity bundle so that {@link MultiPoolMetrics} can report its figures.
 * Called on the metrics caller's thread: must be fast and never block.
 */
@ConsumerType
public interface SessionAffinityMetricsSource {

    /** The group as the affinity service sees it now; {@code serviceAvailable} should be {@code true}. */
    SessionAffinityMetrics sessionAffinityMetrics();
}
