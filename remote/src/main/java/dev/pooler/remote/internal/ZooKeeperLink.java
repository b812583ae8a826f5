package dev.pooler.remote.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.ZooKeeper;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The link to ZooKeeper, read from the client Aries' ZooKeeper discovery publishes as a service once it connected.
 * <p>
 * With the whole ensemble gone, Aries keeps every endpoint it imported: its client declares its own session expired
 * after the session timeout (ZooKeeper 3.9), Aries then withdraws that client's service and opens a new client, which
 * is published only once it reaches a server, but the imported endpoints stay. Nothing would tell this node that a
 * node died. So the link counts as lost when no client has been connected for longer than the session timeout, the
 * time after which ZooKeeper would have given up on the other nodes' sessions too; no client at all counts as not
 * connected. The client's state is read, never its watcher replaced: Aries keeps its own.
 * <p>
 * Aries 1.16's client manager can also stay without a client for good after such an expiry: it closes the old client
 * asynchronously by its field, which may by then hold the new one. So while the link stays lost, Aries' ZooKeeper
 * discovery is restarted every {@link #RESTART_AFTER_MS} (its configuration rewritten, which makes Declarative
 * Services start it afresh): when ZooKeeper is back, so is discovery, and the pools with it.
 * <p>
 * Only active where the ZooKeeper client's package is wired (the launcher's cluster bundles), and only judged when
 * this bundle configured the discovery ({@code pooler.discovery} set); otherwise the link is never lost.
 */
@Component(service = DiscoveryLink.class)
public class ZooKeeperLink implements DiscoveryLink {

    /** While the link is lost, Aries' ZooKeeper discovery is restarted this often. */
    static final long RESTART_AFTER_MS = 10_000;

    private final Set<ZooKeeper> clients = ConcurrentHashMap.newKeySet();
    private final boolean judged;
    private final long graceNanos;
    private final long restartNanos;
    private final Runnable restartDiscovery;
    private volatile long lastConnected = System.nanoTime();
    private volatile long restartedAt = lastConnected;

    @Activate
    public ZooKeeperLink(BundleContext context, @Reference ConfigurationAdmin admin) {
        this(configuredHere(context), ClusterConfigurer.SESSION_TIMEOUT_MS, RESTART_AFTER_MS,
                () -> ClusterConfigurer.restartZooKeeperClient(admin));
    }

    ZooKeeperLink(boolean judged, long graceMs, long restartAfterMs, Runnable restartDiscovery) {
        this.judged = judged;
        this.graceNanos = graceMs * 1_000_000L;
        this.restartNanos = restartAfterMs * 1_000_000L;
        this.restartDiscovery = restartDiscovery;
    }

    private static boolean configuredHere(BundleContext context) {
        try {
            return ClusterSettings.of(context::getProperty).isPresent();
        } catch (IllegalArgumentException bad) {
            return false; // ClusterConfigurer refused them: nothing was configured
        }
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
        if (!judged || clients.stream().anyMatch(c -> c.getState().isConnected())) {
            lastConnected = now;
            return false;
        }
        if (now - Math.max(lastConnected, restartedAt) > restartNanos) {
            restartedAt = now;
            restartDiscovery.run();
        }
        return now - lastConnected > graceNanos;
    }
}
