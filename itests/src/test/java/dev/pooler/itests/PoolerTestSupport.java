package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.routing.RequestRouter;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.inject.Inject;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What every in-framework test shares: the platform, ConfigAdmin helpers, waits on pools and on the
 * router's strategy, and a clean-up that deletes the load-balancing configuration and every pool
 * configuration and checks that every worker process this test saw is gone, so the next test starts clean.
 */
public abstract class PoolerTestSupport {

    public static final String POOL_FACTORY_PID = "dev.pooler.pool";
    public static final String CORE_IMPL = "dev.pooler.core.impl";
    /** Configuration of the router ({@code strategy}, ...): a singleton PID. */
    public static final String LOADBALANCING_PID = "dev.pooler.loadbalancing";
    /** The strategy the router is configured with when {@link #LOADBALANCING_PID} has no configuration (the seed's). */
    public static final String DEFAULT_STRATEGY = "ml_optimized";

    @Inject
    protected BundleContext context;

    @Inject
    protected ConfigurationAdmin configAdmin;

    /** Every worker process this test saw; all must be gone after the clean-up. */
    protected final Set<ProcessHandle> seenWorkers = new LinkedHashSet<>();

    @Configuration
    public Option[] config() {
        return PoolerPlatform.options();
    }

    @After
    public void deleteConfigurationsAndCheckNoWorkerIsLeft() throws Exception {
        deleteLoadBalancingConfiguration();
        deleteAllPoolConfigurations();
        Bundle impl = coreImpl();
        if (impl.getState() == Bundle.ACTIVE) {
            Await.until("the router is back on its default configuration",
                    () -> DEFAULT_STRATEGY.equals(router().configuredStrategy()), () -> router().configuredStrategy());
            PoolRegistry r = registry();
            for (Pool p : r.pools()) {
                record(p);
                r.unregisterPool(p.id());
            }
            Await.until("no Pool service is left", () -> poolServices().isEmpty(), () -> poolServices().toString());
        }
        Await.until("every worker process of the test has exited", () -> Procs.stillAlive(seenWorkers).isEmpty(),
                () -> "alive: " + Procs.pids(Procs.stillAlive(seenWorkers)));
        Await.until("no pooler_worker child process (worker or fork template) of this JVM is left",
                () -> Procs.poolerChildren(ProcessHandle.current()).isEmpty(),
                () -> Procs.pids(Procs.poolerChildren(ProcessHandle.current())));
    }

    protected void deleteAllPoolConfigurations() throws IOException, InvalidSyntaxException {
        org.osgi.service.cm.Configuration[] all = configAdmin.listConfigurations(
                "(service.factoryPid=" + POOL_FACTORY_PID + ")");
        if (all != null) {
            for (org.osgi.service.cm.Configuration c : all) {
                c.delete();
            }
        }
    }

    protected void deleteLoadBalancingConfiguration() throws IOException, InvalidSyntaxException {
        org.osgi.service.cm.Configuration[] all = configAdmin.listConfigurations(
                "(service.pid=" + LOADBALANCING_PID + ")");
        if (all != null) {
            for (org.osgi.service.cm.Configuration c : all) {
                c.delete();
            }
        }
    }

    /**
     * Configures the router's strategy ({@code dev.pooler.loadbalancing} {@code strategy}) and waits
     * until the router has taken the configuration; returns it. Whether the strategy is then active
     * depends on its bundle being present: see {@link #useStrategy}.
     */
    protected org.osgi.service.cm.Configuration configureStrategy(String strategy) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(LOADBALANCING_PID, "?");
        Dictionary<String, Object> p = c.getProperties();
        Hashtable<String, Object> next = new Hashtable<>();
        if (p != null) {
            for (String k : Collections.list(p.keys())) {
                next.put(k, p.get(k));
            }
        }
        next.put("strategy", strategy);
        c.update(next);
        Await.until("the router is configured with strategy " + strategy,
                () -> strategy.equals(router().configuredStrategy()), () -> router().configuredStrategy());
        return c;
    }

    /** Configures the strategy and waits until the router routes with it ({@link RequestRouter#activeStrategy()}). */
    protected void useStrategy(String strategy) throws IOException {
        configureStrategy(strategy);
        Await.until("the router's active strategy is " + strategy, () -> strategy.equals(router().activeStrategy()),
                () -> "active " + router().activeStrategy() + ", present " + router().availableStrategies());
    }

    /** The RequestRouter service now (looked up each time: it changes when core.impl restarts). */
    protected RequestRouter router() {
        return Await.value("the RequestRouter service", () -> {
            ServiceReference<RequestRouter> ref = context.getServiceReference(RequestRouter.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    protected Bundle coreImpl() {
        return bundle(CORE_IMPL);
    }

    /** The installed bundle with that symbolic name; fails if there is none. */
    protected Bundle bundle(String symbolicName) {
        return findBundle(symbolicName).orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    protected Optional<Bundle> findBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The PoolRegistry service now (looked up each time: it changes when core.impl restarts). */
    protected PoolRegistry registry() {
        return Await.value("the PoolRegistry service", () -> {
            ServiceReference<PoolRegistry> ref = context.getServiceReference(PoolRegistry.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    protected List<ServiceReference<Pool>> poolServices() {
        try {
            return List.copyOf(context.getServiceReferences(Pool.class, null));
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Creates a {@code dev.pooler.pool} factory configuration for a pool with that id. */
    protected org.osgi.service.cm.Configuration createPool(String poolId, Map<String, ?> properties) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(POOL_FACTORY_PID, "?");
        c.update(props(poolId, properties));
        return c;
    }

    protected static Dictionary<String, Object> props(String poolId, Map<String, ?> properties) {
        Hashtable<String, Object> d = new Hashtable<>(properties);
        d.put("pool.id", poolId);
        return d;
    }

    /** Waits until the pool is published, running, and has exactly {@code size} ready workers; records them. */
    protected Pool awaitPool(String poolId, int size) {
        Pool pool = Await.value("pool " + poolId + " is published", () -> registry().pool(poolId).orElse(null));
        awaitSize(pool, size);
        return pool;
    }

    /** Waits until the pool runs with exactly {@code size} ready workers and no other worker process; records them. */
    protected void awaitSize(Pool pool, int size) {
        Await.until("pool " + pool.id() + " runs with " + size + " ready workers", () -> {
            PoolStats s = pool.stats();
            return s.state() == PoolState.RUNNING && s.workers() == size && pool.workers().size() == size
                    && readyPids(pool).size() == size;
        }, () -> describe(pool));
        record(pool);
    }

    protected void record(Pool pool) {
        for (WorkerInfo w : pool.workers()) {
            if (w.pid() > 0) {
                ProcessHandle.of(w.pid()).ifPresent(seenWorkers::add);
            }
        }
    }

    /** Pids of the pool's idle or busy workers. */
    protected static Set<Long> readyPids(Pool pool) {
        Set<Long> out = new LinkedHashSet<>();
        for (WorkerInfo w : pool.workers()) {
            if (w.state() == WorkerState.IDLE || w.state() == WorkerState.BUSY) {
                out.add(w.pid());
            }
        }
        return out;
    }

    /** Live OS process handles of the pool's ready workers, by pid; fails if one is not a live process. */
    protected Map<Long, ProcessHandle> handles(Pool pool) {
        Map<Long, ProcessHandle> out = new LinkedHashMap<>();
        for (long pid : readyPids(pool)) {
            ProcessHandle h = Procs.live(pid);
            seenWorkers.add(h);
            out.put(pid, h);
        }
        return out;
    }

    protected static String describe(Pool pool) {
        return pool.stats() + " " + pool.workers();
    }

    protected static JsonObject json(Object... keyValues) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            if (v instanceof Number n) {
                o.addProperty((String) keyValues[i], n);
            } else {
                o.addProperty((String) keyValues[i], String.valueOf(v));
            }
        }
        return o;
    }

    /** Sends an {@code echo} and checks the answer. */
    protected static void assertAnswersEcho(Pool pool) throws Exception {
        JsonObject args = json("probe", "still-answering", "n", 7);
        Response r = answer(pool.execute(Request.of("echo", args)).toCompletableFuture());
        assertEquals(args, r.result());
        assertEquals(pool.id(), r.poolId());
    }

    protected static Response answer(CompletableFuture<Response> f) throws InterruptedException, ExecutionException {
        try {
            return f.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + Await.DEFAULT.toSeconds() + " s");
        }
    }

    /** The error a request ended with; fails if it succeeded or got no answer in time. */
    protected static PoolerException failure(CompletableFuture<Response> f) throws InterruptedException {
        try {
            Response r = f.get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
            fail("expected an error, got " + r);
            return null;
        } catch (ExecutionException e) {
            return PoolerException.of(e);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + Await.DEFAULT.toSeconds() + " s");
        }
    }

    protected static boolean allAlive(Collection<ProcessHandle> handles) {
        return handles.stream().allMatch(Procs::alive);
    }
}
