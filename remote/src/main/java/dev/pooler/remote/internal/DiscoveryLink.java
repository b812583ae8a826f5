package dev.pooler.remote.internal;

/**
 * Whether this node still hears the cluster's discovery service. Without it nothing tells this node that another
 * node died or left, so {@link PoolImporter} stops offering the other nodes' pools while it is lost.
 */
interface DiscoveryLink {

    /** True once the discovery service has been unreachable for longer than a session lasts without it. */
    boolean lost();
}
