package dev.pooler.core.impl.registry;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.core.impl.events.EventAdminSink;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.pool.SessionEndings;
import dev.pooler.core.impl.session.SessionStoreImpl;
import dev.pooler.core.impl.tools.ToolRegistry;
import dev.pooler.core.impl.worker.PythonRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;

/**
 * Runs this bundle's pools: unpacks the Python runtime, owns what the pools share ({@link PoolRuntime}:
 * the supervision scheduler, the answer executor, worker ids), starts and stops {@link PythonPool}s and
 * publishes each as a {@link Pool} service. Internal to core.impl.
 */
@Component(service = PoolHost.class)
public class PoolHost implements PoolLookup {

    private static final System.Logger LOG = System.getLogger(PoolHost.class.getName());
    static final Duration DRAIN_ON_STOP = Duration.ofSeconds(5);

    private final BundleContext context;
    private final String defaultPython;
    private final ScheduledExecutorService scheduler;
    private final EventAdminSink events = new EventAdminSink();
    private final PoolRuntime runtime;
    private final SessionEndings endings;
    private final boolean defaultPoolAllowed;
    private final Map<String, Hosted> pools = new ConcurrentHashMap<>();

    private record Hosted(PythonPool pool, ServiceRegistration<Pool> registration) {
    }

    @Activate
    public PoolHost(BundleContext context, @Reference SessionStoreImpl sessions, @Reference ToolRegistry tools) {
        this.context = context;
        Path runtimeDir = PythonRuntime.unpack(context.getBundle());
        this.defaultPython = defaultPython(context);
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "pooler-supervisor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.runtime = PoolRuntime.create(runtimeDir, scheduler, events).withSessions(sessions).withTools(tools);
        this.endings = SessionEndings.start(runtime, this);
        this.defaultPoolAllowed = !"false".equalsIgnoreCase(String.valueOf(context.getProperty("pooler.default.pool")).trim());
    }

    static String defaultPython(BundleContext context) {
        String p = context.getProperty("pooler.python");
        if (p == null || p.isBlank()) {
            p = System.getenv("POOLER_PYTHON");
        }
        return p == null || p.isBlank() ? "python3" : p.trim();
    }

    /**
     * Event Admin is optional (see {@link EventAdminSink}): its type appears only in this annotation, which the
     * JVM never loads; the method takes DS's own type.
     */
    @Reference(service = EventAdmin.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(ComponentServiceObjects<?> ea) {
        events.bind(ea);
    }

    void unbindEventAdmin(ComponentServiceObjects<?> ea) {
        events.unbind(ea);
    }

    public EventSink events() {
        return events;
    }

    /** This node's zone ({@code pooler.zone}, the launcher's {@code POOLER_ZONE}), or null when none is set. */
    public String nodeZone() {
        String z = context.getProperty(dev.pooler.api.PoolConfig.NODE_ZONE_PROPERTY);
        return z == null || z.isBlank() ? null : z.trim();
    }

    public String defaultPython() {
        return defaultPython;
    }

    /**
     * Whether a {@code default} pool may be started on first use when no pool exists: yes unless the
     * framework property {@code pooler.default.pool} is {@code false} (the launcher, whose pools come from conf/).
     */
    public boolean defaultPoolAllowed() {
        return defaultPoolAllowed;
    }

    public PoolRuntime runtime() {
        return runtime;
    }

    @Override
    public Optional<PythonPool> pool(String poolId) {
        Hosted h = poolId == null ? null : pools.get(poolId);
        return h == null ? Optional.empty() : Optional.of(h.pool());
    }

    @Override
    public Collection<PythonPool> pools() {
        return pools.values().stream().map(Hosted::pool).toList();
    }

    /** Starts a pool and publishes it. Refuses a second pool with the same id. */
    public PythonPool start(PoolConfig config) {
        PythonPool pool = new PythonPool(config, runtime);
        if (pools.putIfAbsent(config.poolId(), new Hosted(pool, null)) != null) {
            throw new InvalidConfigException("pool.id", "a pool named '" + config.poolId() + "' already exists");
        }
        pool.start();
        ServiceRegistration<Pool> reg = context.registerService(Pool.class, pool, properties(config));
        pools.put(config.poolId(), new Hosted(pool, reg));
        return pool;
    }

    public void reconfigure(PoolConfig config) {
        Hosted h = pools.get(config.poolId());
        if (h == null) {
            throw new IllegalStateException("no pool named " + config.poolId());
        }
        h.pool().reconfigure(config);
        if (h.registration() != null) {
            h.registration().setProperties(properties(config));
        }
    }

    public boolean stop(String poolId) {
        Hosted h = pools.remove(poolId);
        if (h == null) {
            return false;
        }
        unregister(h);
        h.pool().stop(DRAIN_ON_STOP);
        return true;
    }

    private static void unregister(Hosted h) {
        try {
            if (h.registration() != null) {
                h.registration().unregister();
            }
        } catch (IllegalStateException alreadyGone) {
            // the framework unregistered it while the bundle stopped
        }
    }

    private static Hashtable<String, Object> properties(PoolConfig c) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Pool.POOL_ID, c.poolId());
        p.put(Pool.POOL_TYPE, c.poolType().name().toLowerCase(Locale.ROOT));
        p.put(Pool.ZONE, c.geographicZone());
        p.put("pooler.pool.capabilities", c.capabilities().toArray(String[]::new));
        return p;
    }

    @Deactivate
    void deactivate() {
        endings.close();
        List<Hosted> all = new ArrayList<>(pools.values());
        pools.clear();
        all.forEach(PoolHost::unregister);
        // Stop in parallel so a bundle stop takes one drain period, not one per pool.
        List<Thread> stoppers = new ArrayList<>();
        for (Hosted h : all) {
            Thread t = new Thread(() -> h.pool().stop(DRAIN_ON_STOP), "pooler-stop-" + h.pool().id());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.shutdownNow();
        runtime.answers().shutdown();
        LOG.log(System.Logger.Level.INFO, "all pools stopped");
    }
}
