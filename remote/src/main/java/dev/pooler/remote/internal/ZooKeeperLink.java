package dev.pooler.remote.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.ZooKeeper;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The link to ZooKeeper, read from the client Aries' ZooKeeper discovery publishes as a service once it connected.
 * <p>
 * Aries reacts to an expired session only, and a client learns that its session expired only from a server it
 * reaches again: with the whole ensemble gone, Aries keeps every endpoint it imported, for ever, and nobody would tell
 * this node that a node died. So the link counts as lost when no client has been connected for longer than the
 * session timeout, the time after which ZooKeeper itself would have given up on the sessions of the others. The
 * client's state is read, never its watcher replaced: Aries keeps its own.
 * <p>
 * Only active where the ZooKeeper client's package is wired (the launcher's cluster bundles); elsewhere the link is
 * never lost.
 */
@Component(service = DiscoveryLink.class)
public class ZooKeeperLink implements DiscoveryLink {

    private final Set<ZooKeeper> clients = ConcurrentHashMap.newKeySet();
    private final long graceNanos;
    private volatile long lastConnected = System.nanoTime();

    public ZooKeeperLink() {
        this(ClusterConfigurer.SESSION_TIMEOUT_MS);
    }

    ZooKeeperLink(long graceMs) {
        this.graceNanos = graceMs * 1_000_000L;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeClient")
    void addClient(ZooKeeper client) {
        clients.add(client);
    }

    void removeClient(ZooKeeper client) {
        clients.remove(client);
    }

    @Override
    public boolean lost() {
        long now = System.nanoTime();
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c.getState().isConnected())) {
            // No client: Aries is between sessions and drops what it imported by itself.
            lastConnected = now;
            return false;
        }
        return now - lastConnected > graceNanos;
    }
}
