/** {@link dev.pooler.api.metrics.MultiPoolMetrics} in the Prometheus text exposition format. */
package dev.pooler.webconsole.metrics;
