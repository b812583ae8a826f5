/**
 * Cross-pool routing: the request router and the load-balancing strategy SPI that strategy
 * bundles implement (whiteboard services named by {@link dev.pooler.api.routing.LoadBalancingStrategy#NAME}).
 */
@Export
@Version("2.1.0")
package dev.pooler.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
