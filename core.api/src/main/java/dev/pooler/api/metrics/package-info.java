/**
 * Cross-pool metrics (the seed's {@code MultiPoolMetrics}): one snapshot with five groups, pool
 * distribution, load balancing, worker sharing, session affinity and cross-pool performance.
 * The worker-sharing and session-affinity groups are filled by plug-in bundles through
 * {@link dev.pooler.api.metrics.WorkerSharingMetricsSource} and
 * {@link dev.pooler.api.metrics.SessionAffinityMetricsSource}; without them they say so
 * ({@code serviceAvailable == false}).
 */
@Export
@Version("1.1.0")
package dev.pooler.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
