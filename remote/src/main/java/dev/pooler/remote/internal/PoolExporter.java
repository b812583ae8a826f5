package dev.pooler.remote.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.remote.api.RemotePoolEndpoint;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Exports this node's own pools (every {@link Pool} service without {@link Pool#NODE}, so never an imported one) as
 * {@link RemotePoolEndpoint}s marked for OSGi Remote Services: Aries' topology manager hands them to the fastbin
 * provider and announces them through discovery. A pool that goes away is withdrawn the same way.
 */
@Component(immediate = true)
public class PoolExporter {

    /** The Remote Services configuration type of Aries' fastbin provider. */
    static final String FASTBIN = "aries.fastbin";

    private final BundleContext context;
    private final NodeIdentity identity;
    private final Map<Pool, ServiceRegistration<RemotePoolEndpoint>> exported = new ConcurrentHashMap<>();
    private volatile boolean active = true;

    @Activate
    public PoolExporter(BundleContext context) {
        this.context = context;
        this.identity = NodeIdentity.of(context::getProperty);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(!(" + Pool.NODE + "=*))",
            unbind = "unbindPool", updated = "updatedPool")
    void bindPool(Pool pool) {
        if (!active) {
            return;
        }
        exported.computeIfAbsent(pool, p -> context.registerService(RemotePoolEndpoint.class, new LocalEndpoint(p),
                properties(p, identity)));
    }

    void updatedPool(Pool pool) {
        ServiceRegistration<RemotePoolEndpoint> r = exported.get(pool);
        if (r != null) {
            try {
                r.setProperties(properties(pool, identity));
            } catch (IllegalStateException gone) {
                exported.remove(pool, r);
            }
        }
    }

    void unbindPool(Pool pool) {
        ServiceRegistration<RemotePoolEndpoint> r = exported.remove(pool);
        if (r != null) {
            unregister(r);
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        exported.values().forEach(PoolExporter::unregister);
        exported.clear();
    }

    /** The endpoint's service properties: what it is, for whom, and how Remote Services are to carry it. */
    static Hashtable<String, Object> properties(Pool pool, NodeIdentity identity) {
        PoolConfig c = pool.config();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("service.exported.interfaces", RemotePoolEndpoint.class.getName());
        p.put("service.exported.configs", FASTBIN);
        p.put(RemotePoolEndpoint.POOL_ID, pool.id());
        p.put(RemotePoolEndpoint.NODE, identity.node());
        p.put(RemotePoolEndpoint.ZONE, c.zoneOn(identity.zone()));
        p.put(RemotePoolEndpoint.CONFIG, WireCodec.config(c));
        return p;
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
    }
}
