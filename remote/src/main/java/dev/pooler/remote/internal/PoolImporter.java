package dev.pooler.remote.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.remote.api.RemotePoolEndpoint;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Republishes every imported {@link RemotePoolEndpoint} (one Remote Services made here from another node's
 * announcement) as a local {@link Pool} service named {@code <pool.id>@<node>}, with its node's zone and the
 * property {@link Pool#NODE}: the registry, the router, the console and the shell take it like any other pool.
 * When the import goes (the node stopped, was killed and its ZooKeeper session expired, or this bundle stops),
 * the pool is withdrawn first and then every request it still held is answered. While the discovery service itself
 * is lost ({@link DiscoveryLink}) no other node's pool is offered: nothing would tell this node that one died. The
 * requests they hold then still get their answers from their nodes; the pools return when discovery does. A pool
 * whose node does not answer (the last call to it failed) is withheld as well, until it answers again: so a killed
 * node's pools leave at the first failed call or stats ask, before ZooKeeper expires its session, and an import Aries
 * kept from before a discovery outage never comes back for a node that is gone.
 */
@Component(immediate = true)
public class PoolImporter {

    /** How often a remote pool's numbers are asked for. */
    static final long STATS_PERIOD_MS = 500;

    private static final System.Logger LOG = System.getLogger(PoolImporter.class.getName());

    private final BundleContext context;
    private final NodeIdentity identity;
    private final Map<RemotePoolEndpoint, Imported> imported = new ConcurrentHashMap<>();
    private final ExecutorService answers = Executors.newCachedThreadPool(daemon("pooler-remote-answer"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("pooler-remote-timer"));
    private volatile boolean active = true;

    /** One imported pool: offered (registered as a {@link Pool}) unless the discovery link is lost. */
    private final class Imported {
        final RemotePool pool;
        final Hashtable<String, Object> properties;
        ServiceRegistration<Pool> registration;
        /** Set once its import went: never offered again. */
        boolean removed;

        Imported(RemotePool pool, Hashtable<String, Object> properties) {
            this.pool = pool;
            this.properties = properties;
        }

        synchronized boolean offer() {
            if (registration != null || removed) {
                return false;
            }
            registration = context.registerService(Pool.class, pool, properties);
            return true;
        }

        /** Out of the candidates; what it holds still gets its answer from its node. */
        synchronized boolean withhold() {
            if (registration == null) {
                return false;
            }
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping
            }
            registration = null;
            return true;
        }
    }

    /** Set while ZooKeeper (or whatever discovery runs) cannot be reached: no other node's pool is offered. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DiscoveryLink discovery;
    private volatile boolean discoveryLost;

    @Activate
    public PoolImporter(BundleContext context) {
        this.context = context;
        this.identity = NodeIdentity.of(context::getProperty);
        timer.scheduleWithFixedDelay(this::refresh, STATS_PERIOD_MS, STATS_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(service.imported=*)", unbind = "unbindEndpoint")
    void bindEndpoint(RemotePoolEndpoint endpoint, Map<String, Object> properties) {
        String node = text(properties.get(RemotePoolEndpoint.NODE));
        String poolId = text(properties.get(RemotePoolEndpoint.POOL_ID));
        if (!active || node == null || poolId == null || node.equals(identity.node())) {
            return; // not a pool endpoint of another node
        }
        String id = poolId + "@" + node;
        String zone = text(properties.get(RemotePoolEndpoint.ZONE));
        PoolConfig config;
        try {
            config = WireCodec.config(text(properties.get(RemotePoolEndpoint.CONFIG)), id,
                    zone == null ? NodeIdentity.DEFAULT_ZONE : zone);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pool {0} of node {1} not imported: its configuration is unreadable: {2}",
                    poolId, node, e.toString());
            return;
        }
        RemotePool pool = new RemotePool(id, node, config, endpoint, answers, timer);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Pool.POOL_ID, id);
        p.put(Pool.POOL_TYPE, config.poolType().name().toLowerCase(Locale.ROOT));
        p.put(Pool.ZONE, config.geographicZone());
        p.put(Pool.NODE, node);
        Imported i = new Imported(pool, p);
        if (imported.putIfAbsent(endpoint, i) != null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "pool {0} imported (node {1}, zone {2}), offered once its node answers", id,
                node, config.geographicZone());
        pool.refreshStats().thenRunAsync(() -> reconcile(i), timer);
    }

    /** Offered while discovery is there and its node answers; withheld otherwise. */
    private void reconcile(Imported i) {
        boolean offered = active && !discoveryLost && i.pool.reachable();
        if (offered ? i.offer() : i.withhold()) {
            LOG.log(System.Logger.Level.INFO, offered ? "pool {0} offered" : "pool {0} withheld ({1})", i.pool.id(),
                    discoveryLost ? "discovery lost" : "its node does not answer");
        }
    }

    void unbindEndpoint(RemotePoolEndpoint endpoint) {
        Imported i = imported.remove(endpoint);
        if (i != null) {
            withdraw(i);
            LOG.log(System.Logger.Level.INFO, "pool {0} left", i.pool.id());
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        imported.values().forEach(PoolImporter::withdraw);
        imported.clear();
        timer.shutdownNow();
        answers.shutdown(); // the answers already handed over still run
    }

    /** First out of the candidates, then its outstanding requests answered: none is sent to it after its answer. */
    private static void withdraw(Imported i) {
        synchronized (i) {
            i.removed = true;
            i.withhold();
        }
        i.pool.close();
    }

    /**
     * Every {@link #STATS_PERIOD_MS}: the discovery link checked, the remote pools' numbers asked for, and each pool
     * offered or withheld by what is known now.
     */
    private void refresh() {
        DiscoveryLink link = discovery;
        boolean lost = link != null && link.lost();
        if (lost != discoveryLost) {
            discoveryLost = lost;
            LOG.log(lost ? System.Logger.Level.WARNING : System.Logger.Level.INFO, lost
                    ? "discovery lost: the pools of other nodes withdrawn (requests they hold still get their answers)"
                    : "discovery back: the pools of other nodes offered again once their nodes answer");
        }
        for (Imported i : imported.values()) {
            i.pool.refreshStats().thenRunAsync(() -> reconcile(i), timer);
        }
    }

    private static String text(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
