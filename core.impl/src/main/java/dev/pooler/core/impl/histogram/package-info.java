/**
 * Cheap, lock-free duration histograms with fixed Prometheus-style buckets: recorded on the request
 * path by pools and the router, read as {@link dev.pooler.api.metrics.HistogramSnapshot}s by the
 * metrics service.
 */
package dev.pooler.core.impl.histogram;
