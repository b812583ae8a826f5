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
 * the pool is withdrawn first and then every request it still held is answered.
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

    private record Imported(RemotePool pool, ServiceRegistration<Pool> registration) {
    }

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
        imported.computeIfAbsent(endpoint, e -> {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(Pool.POOL_ID, id);
            p.put(Pool.POOL_TYPE, config.poolType().name().toLowerCase(Locale.ROOT));
            p.put(Pool.ZONE, config.geographicZone());
            p.put(Pool.NODE, node);
            LOG.log(System.Logger.Level.INFO, "pool {0} joined (node {1}, zone {2})", id, node, config.geographicZone());
            pool.refreshStats();
            return new Imported(pool, context.registerService(Pool.class, pool, p));
        });
    }

    void unbindEndpoint(RemotePoolEndpoint endpoint) {
        Imported i = imported.remove(endpoint);
        if (i != null) {
            withdraw(i);
            LOG.log(System.Logger.Level.INFO, "pool {0} left", i.pool().id());
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
        try {
            i.registration().unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
        i.pool().close();
    }

    private void refresh() {
        for (Imported i : imported.values()) {
            i.pool().refreshStats();
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
