package dev.pooler.admin;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.api.session.SessionStore;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.RequestRouter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The services the administration works with, and its actions. Everything but the sampler is optional
 * and dynamic: the console shows what is there (no pool registry: a notice; no worker-sharing bundle: no
 * loans section) and lights up as bundles arrive.
 */
@Component(service = PoolerAdmin.class)
public class PoolerAdmin {

    /** The router's configuration. */
    public static final String LOADBALANCING_PID = "dev.pooler.loadbalancing";
    public static final String STRATEGY_PROPERTY = "strategy";
    private static final Pattern STRATEGY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final System.Logger LOG = System.getLogger(PoolerAdmin.class.getName());

    /** Where pool configurations go in this container, for messages (see {@link #poolConfigurationHint}). */
    private final String configurationFolder;
    private final Map<Long, String> strategyNames = new ConcurrentHashMap<>();
    /** Sections by "name#service.id", so that two bundles contributing one name both show. */
    private final Map<String, SectionRef> sections = new ConcurrentSkipListMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PoolRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RequestRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MultiPoolMetrics metrics;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionStore sessionStore;

    /** A contributed section and its name. */
    public record SectionRef(String name, AdminSection section) {
    }

    @Activate
    public PoolerAdmin(BundleContext context) {
        this.configurationFolder = watchedFolder(context.getProperty("felix.fileinstall.dir"));
    }

    /** For tests: an admin over the given services (any may be null), in a container without FileInstall. */
    public PoolerAdmin(PoolRegistry registry, RequestRouter router, ConfigurationAdmin configAdmin,
                       MultiPoolMetrics metrics) {
        this.configurationFolder = null;
        this.registry = registry;
        this.router = router;
        this.configAdmin = configAdmin;
        this.metrics = metrics;
    }

    // ---- whiteboard: strategies (names only; the router holds the services) and admin sections

    @Reference(service = LoadBalancingStrategy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStrategy(ServiceReference<LoadBalancingStrategy> ref) {
        Object name = ref.getProperty(LoadBalancingStrategy.NAME);
        if (name != null) {
            strategyNames.put((Long) ref.getProperty(Constants.SERVICE_ID), name.toString());
        }
    }

    void unbindStrategy(ServiceReference<LoadBalancingStrategy> ref) {
        strategyNames.remove((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSection(AdminSection section, Map<String, Object> properties) {
        addSection(String.valueOf(properties.getOrDefault(AdminSection.SECTION, "other")),
                (Long) properties.get(Constants.SERVICE_ID), section);
    }

    void unbindSection(AdminSection section, Map<String, Object> properties) {
        sections.remove(key(String.valueOf(properties.getOrDefault(AdminSection.SECTION, "other")),
                (Long) properties.get(Constants.SERVICE_ID)));
    }

    /** Adds a section (DS does it through {@link #bindSection}; tests call it directly). */
    public void addSection(String name, long serviceId, AdminSection section) {
        sections.put(key(name, serviceId), new SectionRef(name, section));
    }

    private static String key(String name, Long serviceId) {
        return name + "#" + serviceId;
    }

    // ---- what is present

    public Optional<PoolRegistry> registry() {
        return Optional.ofNullable(registry);
    }

    public Optional<RequestRouter> router() {
        return Optional.ofNullable(router);
    }

    public Optional<SessionStore> sessionStore() {
        return Optional.ofNullable(sessionStore);
    }

    public Optional<MultiPoolMetrics> metrics() {
        return Optional.ofNullable(metrics);
    }

    /**
     * How to add a pool here: a configuration of factory PID {@code dev.pooler.pool}, and where FileInstall
     * watches a folder (the launcher's conf/, Karaf's etc/), the file that makes one.
     */
    public String poolConfigurationHint() {
        String how = "add a configuration of factory PID dev.pooler.pool";
        return configurationFolder == null ? how
                : how + " (a dev.pooler.pool-<name>.cfg file in " + configurationFolder + ")";
    }

    /** The first folder of FileInstall's {@code felix.fileinstall.dir} (comma-separated), if set. */
    static String watchedFolder(String dirs) {
        if (dirs == null || dirs.isBlank()) {
            return null;
        }
        String first = dirs.split(",")[0].trim();
        return first.isEmpty() ? null : first;
    }

    public List<Pool> pools() {
        PoolRegistry r = registry;
        return r == null ? List.of() : r.pools();
    }

    public List<SectionRef> sections() {
        return List.copyOf(sections.values());
    }

    /** The sections of one name ({@link AdminSection#SHARING}, {@link AdminSection#AFFINITY}). */
    public List<SectionRef> sections(String name) {
        return sections.values().stream().filter(s -> s.name().equals(name)).toList();
    }

    // ---- strategies

    /** Every strategy present: those the router reports and those published as services. Sorted. */
    public Set<String> strategies() {
        Set<String> names = new TreeSet<>(strategyNames.values());
        RequestRouter r = router;
        if (r != null) {
            try {
                names.addAll(r.availableStrategies());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "router went away: {0}", e.toString());
            }
        }
        return names;
    }

    /** The strategy the router uses now, or {@code null} without a router. */
    public String activeStrategy() {
        RequestRouter r = router;
        return r == null ? null : r.activeStrategy();
    }

    /** The strategy stored in ConfigAdmin under {@value #LOADBALANCING_PID}, or {@code null} if none is. */
    public String storedStrategy() {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return null;
        }
        try {
            Configuration[] found = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + LOADBALANCING_PID + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return null;
            }
            Object value = found[0].getProperties().get(STRATEGY_PROPERTY);
            return value == null ? null : value.toString();
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read configuration {0}: {1}", LOADBALANCING_PID, e.toString());
            return null;
        }
    }

    /**
     * Makes {@code name} the configured strategy: written to ConfigAdmin ({@value #LOADBALANCING_PID},
     * property {@value #STRATEGY_PROPERTY}), where the router picks it up live and where it stays across
     * restarts of the bundles; and, when the configuration came from a {@code .cfg} file FileInstall watches
     * (the launcher's conf/, Karaf's etc/), into that file, so it outlives a restart of the platform too. The other
     * properties of the configuration are kept.
     *
     * @throws PoolerException {@code BAD_REQUEST} for a name that is malformed or not among the strategies
     *         present; {@code SHUTTING_DOWN} when no ConfigAdmin is running
     */
    public void switchStrategy(String name) {
        if (name == null || !STRATEGY_NAME.matcher(name).matches()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "strategy: must be 1-64 letters, digits, '_', '.' or '-'");
        }
        Set<String> present = strategies();
        if (!present.isEmpty() && !present.contains(name)) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "strategy: '" + name + "' is not installed; present: " + present);
        }
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            throw new PoolerException(ErrorKind.SHUTTING_DOWN, "Configuration Admin is not running: the strategy cannot be stored");
        }
        try {
            // "?": not bound to this bundle, so the router's bundle receives it.
            Configuration c = ca.getConfiguration(LOADBALANCING_PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            if (name.equals(props.get(STRATEGY_PROPERTY))) {
                return;
            }
            props.put(STRATEGY_PROPERTY, name);
            c.update(props);
            LOG.log(System.Logger.Level.INFO, "strategy set to {0} in {1}", name, LOADBALANCING_PID);
            writeBack(props.get(ConfFile.FILENAME_PROPERTY), name);
        } catch (IOException e) {
            throw new PoolerException(ErrorKind.WORKER_ERROR, "cannot store the strategy: " + e.getMessage(), null, e);
        }
    }

    /** Keeps the configuration's .cfg file in step, so the switch also outlives a restart of the platform. */
    private static void writeBack(Object filename, String name) {
        ConfFile.of(filename).ifPresent(f -> {
            try {
                f.set(STRATEGY_PROPERTY, name);
                LOG.log(System.Logger.Level.INFO, "strategy={0} written to {1}", name, f.path());
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "strategy switched to {0}, but {1} could not be updated ({2}): "
                        + "the file's strategy applies again at the next start", name, f.path(), e.toString());
            }
        });
    }

    // ---- actions

    /** {@link PoolRegistry#rebalanceWorkers()}; a message saying what happened. */
    public String rebalance() {
        PoolRegistry r = registry;
        if (r == null) {
            return "the pool registry (dev.pooler.core.impl) is not running: nothing to rebalance";
        }
        if (r.rebalanceWorkers()) {
            return "rebalance started";
        }
        RequestRouter rr = router;
        if (rr != null && !rr.loadBalancing().workerSharingEnabled()) {
            return "worker sharing is switched off (dev.pooler.loadbalancing worker.sharing.enabled=false): nothing was rebalanced";
        }
        return "no worker-sharing bundle (dev.pooler.sharing) is installed: nothing was rebalanced";
    }

    /**
     * Runs a request through the router (which honours {@link Request#pool()} and chooses pools by the one
     * rule). The stage always completes; without a router it fails with {@code SHUTTING_DOWN}.
     */
    public CompletionStage<Response> execute(Request request) {
        RequestRouter r = router;
        if (r == null) {
            return CompletableFuture.failedFuture(new PoolerException(ErrorKind.SHUTTING_DOWN,
                    "the request router (dev.pooler.core.impl) is not running"));
        }
        try {
            return r.route(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(PoolerException.of(e));
        }
    }

    /**
     * Runs a streaming request through the router ({@link RequestRouter#stream}); without a router the stream ends
     * at once with {@code SHUTTING_DOWN}.
     */
    public dev.pooler.api.ResponseStream stream(Request request) {
        RequestRouter r = router;
        if (r == null) {
            throw new PoolerException(ErrorKind.SHUTTING_DOWN, "the request router (dev.pooler.core.impl) is not running");
        }
        return r.stream(request);
    }

    /** Cancels a request by id (a stream's, or any pool's); false when none such is queued or running. */
    public boolean cancel(long requestId) {
        RequestRouter r = router;
        if (r != null) {
            return r.cancel(requestId);
        }
        return pools().stream().anyMatch(p -> p.cancel(requestId));
    }

    /** Sections offering an action (e.g. {@link AdminAction#MIGRATE}). */
    public List<SectionRef> sectionsOffering(String action) {
        List<SectionRef> out = new ArrayList<>();
        for (SectionRef s : sections.values()) {
            try {
                if (s.section().actions().stream().anyMatch(a -> a.name().equals(action))) {
                    out.add(s);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "section {0} failed: {1}", s.name(), e.toString());
            }
        }
        return out;
    }

    /**
     * Runs a contributed action on the first section offering it.
     *
     * @throws PoolerException {@code BAD_REQUEST} when no section present offers it
     */
    public String perform(String action, Map<String, String> parameters) {
        Objects.requireNonNull(action, "action");
        List<SectionRef> offering = sectionsOffering(action);
        if (offering.isEmpty()) {
            throw new PoolerException(ErrorKind.BAD_REQUEST, "no installed bundle serves the action '" + action + "'"
                    + notInstalledHint(action));
        }
        return offering.get(0).section().perform(action, parameters);
    }

    /** Which bundle would serve an action, for messages. */
    public static String notInstalledHint(String action) {
        return switch (action) {
            case AdminAction.RETURN_LOAN, AdminAction.MIGRATE -> " (the worker-sharing bundle dev.pooler.sharing is not installed)";
            case AdminAction.PIN_SESSION -> " (the session-affinity bundle dev.pooler.affinity is not installed)";
            default -> "";
        };
    }
}
