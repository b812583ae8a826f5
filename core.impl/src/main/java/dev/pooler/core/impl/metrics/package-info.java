/**
 * {@link dev.pooler.api.metrics.MultiPoolMetrics}: {@link dev.pooler.core.impl.metrics.MultiPoolMetricsService}
 * (the DS component) asks {@link dev.pooler.core.impl.metrics.MetricsCollector} to turn the pools' stats,
 * the router's recent decisions and the plug-ins' own figures into one snapshot.
 */
package dev.pooler.core.impl.metrics;
