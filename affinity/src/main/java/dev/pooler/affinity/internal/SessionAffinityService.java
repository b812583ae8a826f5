package dev.pooler.affinity.internal;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.Request;
import dev.pooler.api.affinity.AffinityStats;
import dev.pooler.api.affinity.SessionAffinity;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.metrics.SessionAffinityMetricsSource;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RequestRouter;
import org.osgi.service.component.ComponentServiceObjects;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.SessionPlacement;
import dev.pooler.api.routing.SessionRouting;
import dev.pooler.api.session.SessionState;
import dev.pooler.api.session.SessionStore;
import dev.pooler.api.session.SessionSync;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The session-affinity service: the router's {@link SessionRouting} seam, the {@link SessionAffinity} API
 * and the session-affinity metrics, as one component because all three read and write one mapping table
 * ({@link AffinityPolicy} holds the rules). Configuration {@code dev.pooler.affinity} applies live; a bad
 * value is refused with a log line and a {@code CONFIG_REJECTED} event naming the field. {@code session_data_sync}
 * reaches core through {@link SessionSync}: {@code manual} turns its explicit-sync rule on (off again when this
 * service stops), {@code eager} pushes a session's data when its affinity changes. The mapping table is saved
 * in the bundle's data area when the service stops and restored when it starts ({@link MappingFile}).
 */
@Component(service = {SessionRouting.class, SessionAffinity.class, SessionAffinityMetricsSource.class},
        configurationPid = AffinitySettings.PID, immediate = true)
@Designate(ocd = AffinityConfiguration.class)
public final class SessionAffinityService implements SessionRouting, SessionAffinity, SessionAffinityMetricsSource {

    private static final System.Logger LOG = System.getLogger(SessionAffinityService.class.getName());

    /**
     * The router, taken when first needed rather than at activation: the router asks this service (its optional
     * {@link SessionRouting} seam) while it activates itself, and taking the router here then would be a circle.
     */
    private final ComponentServiceObjects<RequestRouter> routerService;
    private volatile RequestRouter router;
    private final SessionSync sync;
    private final AffinityPolicy policy;
    private final MappingFile saved;

    private final OptionalEventAdmin eventAdmin = new OptionalEventAdmin();

    @Activate
    public SessionAffinityService(@Reference ComponentServiceObjects<RequestRouter> routerService, @Reference PoolRegistry registry,
                                  @Reference SessionStore store, @Reference SessionSync sync, BundleContext context,
                                  Map<String, Object> properties) {
        this.routerService = routerService;
        this.sync = sync;
        this.policy = new AffinityPolicy(AffinitySettings.DEFAULTS, new RegistryPoolDirectory(registry),
                session -> store.get(session).map(SessionState::size).orElse(0), this::post, System::currentTimeMillis,
                this::push);
        java.io.File data = context.getDataFile(MappingFile.NAME);
        this.saved = new MappingFile(data == null ? null : data.toPath());
        apply(properties);
        int restored = policy.restore(saved.read());
        if (restored > 0) {
            LOG.log(System.Logger.Level.INFO, "restored the affinity of " + restored + " sessions");
        }
    }

    @Deactivate
    void deactivate() {
        sync.requireExplicitSync(false); // without this service, sessions' data travels as it needs to
        saved.write(policy.mappings());
    }

    /** Eager sync: the session's data goes to the pool's workers now (asynchronously; a failure is only logged). */
    private void push(String sessionId, String poolId) {
        sync.push(sessionId, poolId).whenComplete((a, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.WARNING, "session " + sessionId + ": its data could not be pushed to pool "
                        + poolId + ": " + e.getMessage());
            }
        });
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    /** Takes a configuration, or refuses it (the settings in force stay) with a log line and an event naming the field. */
    private void apply(Map<String, Object> properties) {
        try {
            AffinitySettings next = AffinitySettings.from(properties);
            policy.settings(next);
            sync.requireExplicitSync(next.dataSync() == SessionDataSync.MANUAL);
        } catch (InvalidConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "configuration " + AffinitySettings.PID + " refused, field " + e.field()
                    + ": " + e.getMessage() + "; the settings in force stay");
            post(PoolerEvents.CONFIG_REJECTED, Map.of("pid", AffinitySettings.PID, PoolerEvents.FIELD, e.field(),
                    PoolerEvents.MESSAGE, e.getMessage()));
        }
    }

    /** Event Admin is optional: its type is named only in this annotation, which the JVM never loads. */
    @Reference(service = EventAdmin.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.bind(ea);
    }

    void unbindEventAdmin(ComponentServiceObjects<?> ea) {
        eventAdmin.unbind(ea);
    }

    private void post(String topic, Map<String, Object> properties) {
        eventAdmin.post(topic, properties);
    }

    private RequestRouter router() {
        RequestRouter r = router;
        if (r == null) {
            r = router = routerService.getService();
        }
        return r;
    }

    // --- SessionRouting: the router's seam

    @Override
    public Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates) {
        return policy.place(request, profile, candidates);
    }

    @Override
    public void outcome(Request request, RoutingOutcome outcome) {
        policy.outcome(request, outcome);
    }

    // --- SessionAffinity

    @Override
    public Optional<String> preferredPool(String sessionId, String requestType) {
        return policy.preferredPool(sessionId, router().capabilityOf(requestType));
    }

    @Override
    public SessionMapping establishAffinity(String sessionId, String poolId, AffinityStrength strength) {
        return policy.establish(sessionId, poolId, strength);
    }

    @Override
    public SessionMapping establishAffinity(String sessionId, String poolId) {
        return policy.establish(sessionId, poolId, policy.settings().defaultStrength());
    }

    @Override
    public Optional<SessionMapping> mapping(String sessionId) {
        return policy.mapping(sessionId);
    }

    @Override
    public List<SessionMapping> mappings() {
        return policy.mappings();
    }

    @Override
    public boolean forget(String sessionId) {
        return policy.forget(sessionId);
    }

    @Override
    public AffinityStats stats() {
        return policy.stats(sync.traffic().bytesSynced());
    }

    @Override
    public AffinityStrength defaultStrength() {
        return policy.settings().defaultStrength();
    }

    @Override
    public SessionDataSync dataSync() {
        return policy.settings().dataSync();
    }

    long affinityTimeoutSeconds() {
        return policy.settings().timeoutSeconds();
    }

    // --- metrics

    @Override
    public SessionAffinityMetrics sessionAffinityMetrics() {
        List<SessionMapping> all = policy.mappings();
        Map<String, Integer> byPool = new HashMap<>();
        Map<AffinityStrength, Integer> byStrength = new EnumMap<>(AffinityStrength.class);
        for (SessionMapping m : all) {
            byPool.merge(m.poolId(), 1, Integer::sum);
            byStrength.merge(m.strength(), 1, Integer::sum);
        }
        Map<String, Integer> strengths = new HashMap<>();
        byStrength.forEach((s, n) -> strengths.put(s.name().toLowerCase(Locale.ROOT), n));
        AffinityStats s = stats();
        return new SessionAffinityMetrics(true, all.size(), byPool, strengths, s.hitRate(), s.migrations());
    }
}
