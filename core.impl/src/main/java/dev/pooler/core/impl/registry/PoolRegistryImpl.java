package dev.pooler.core.impl.registry;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.sharing.WorkerSharing;
import dev.pooler.core.impl.routing.CandidatePools;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link PoolRegistry}: every {@link Pool} service in the framework (configured pools, pools
 * registered from code, pools of other bundles), kept by id as they come and go.
 */
@Component(service = PoolRegistry.class)
public class PoolRegistryImpl implements PoolRegistry {

    private static final System.Logger LOG = System.getLogger(PoolRegistryImpl.class.getName());

    private final PoolHost host;
    private final Map<String, Pool> pools = new ConcurrentSkipListMap<>();
    private final Set<String> registeredFromCode = ConcurrentHashMap.newKeySet();

    @Activate
    public PoolRegistryImpl(@Reference PoolHost host) {
        this.host = host;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPool(Pool pool) {
        pools.put(pool.id(), pool);
    }

    void unbindPool(Pool pool) {
        pools.remove(pool.id(), pool);
    }

    @Override
    public List<Pool> pools() {
        return List.copyOf(pools.values());
    }

    @Override
    public Optional<Pool> pool(String poolId) {
        return poolId == null ? Optional.empty() : Optional.ofNullable(pools.get(poolId));
    }

    @Override
    public List<Pool> poolsByType(PoolType type) {
        List<Pool> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            if (p.config().poolType() == type) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public Optional<Pool> optimalPool(String requestType, Map<String, ?> requirements) {
        Map<String, ?> req = requirements == null ? Map.of() : requirements;
        String zone = stringOf(req.get("zone"));
        String specialization = stringOf(req.get("specialization"));
        PoolType type = typeOf(stringOf(req.get("pool_type")));
        String capability = requestType == null ? null : requestType.toLowerCase(Locale.ROOT);
        if (PoolConfig.ALL.equals(capability)) {
            capability = null;
        } else if (capability != null && type == null && typeOf(capability) != null && none(capability)) {
            type = typeOf(capability); // "embedding" names a pool type when no pool has it as a capability
            capability = null;
        }
        List<Pool> candidates = CandidatePools.of(pools(), capability, type, null);
        if (zone != null) {
            candidates = candidates.stream().filter(p -> zone.equals(p.config().geographicZone())).toList();
        }
        String cap = capability;
        return candidates.stream()
                .min(Comparator.<Pool>comparingInt(p -> specialization != null && specialization.equals(p.config().specialization()) ? 0 : 1)
                        .thenComparingInt(p -> cap != null && !p.config().capabilities().contains(PoolConfig.ALL) ? 0 : 1)
                        .thenComparingDouble(PoolRegistryImpl::load)
                        .thenComparing(Pool::id));
    }

    private boolean none(String capability) {
        return pools.values().stream().noneMatch(p -> p.config().capabilities().contains(capability));
    }

    private static PoolType typeOf(String name) {
        if (name == null) {
            return null;
        }
        for (PoolType t : PoolType.values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    /** Outstanding work per worker; a pool with no ready worker sorts last. */
    static double load(Pool p) {
        PoolStats s = p.stats();
        return s.workers() == 0 ? Double.MAX_VALUE : (s.busy() + s.queued()) / (double) s.workers();
    }

    private static String stringOf(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().trim();
    }

    @Override
    public Pool registerPool(PoolConfig config) {
        if (pools.containsKey(config.poolId())) {
            throw new InvalidConfigException("pool_id", "a pool named '" + config.poolId() + "' already exists");
        }
        Pool pool = host.start(config);
        registeredFromCode.add(config.poolId());
        return pool;
    }

    @Override
    public boolean unregisterPool(String poolId) {
        if (!registeredFromCode.remove(poolId)) {
            return false;
        }
        return host.stop(poolId);
    }

    @Override
    public synchronized Pool defaultPool() {
        Pool named = pools.get(DEFAULT_POOL);
        if (named != null) {
            return named;
        }
        if (!pools.isEmpty()) {
            return poolsByType(PoolType.GENERAL).stream().findFirst().orElse(pools.values().iterator().next());
        }
        if (!host.defaultPoolAllowed()) {
            throw new PoolerException(ErrorKind.NO_CAPABLE_POOL, "no pool is running yet: the configured pools (dev.pooler.pool) are starting"
                    + " (pooler.default.pool=false, so no default pool is started on the request path)", DEFAULT_POOL);
        }
        try {
            LOG.log(System.Logger.Level.INFO, "no pool is configured; starting the default pool");
            return registerPool(PoolConfig.builder().poolId(DEFAULT_POOL)
                    .workerSpec(dev.pooler.api.WorkerSpec.defaults().withPython(host.defaultPython())).build());
        } catch (RuntimeException e) {
            throw new PoolerException(ErrorKind.NO_CAPABLE_POOL, "the default pool cannot be started: " + e.getMessage(), DEFAULT_POOL, e);
        }
    }

    /**
     * The worker-sharing service (bundle dev.pooler.sharing), while one is present. Held as service objects,
     * fetched only when asked: the sharing service itself needs this registry, so getting it at bind time
     * would be a circular reference.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComponentServiceObjects<WorkerSharing> sharing;

    @Override
    public boolean rebalanceWorkers() {
        ComponentServiceObjects<WorkerSharing> objects = sharing;
        WorkerSharing s = objects == null ? null : objects.getService();
        if (s == null) {
            LOG.log(System.Logger.Level.INFO, "rebalance requested, but no worker-sharing bundle is installed");
            return false;
        }
        try {
            return s.rebalanceNow();
        } finally {
            objects.ungetService(s);
        }
    }

    @Deactivate
    void deactivate() {
        for (String id : List.copyOf(registeredFromCode)) {
            host.stop(id);
        }
        registeredFromCode.clear();
    }
}
