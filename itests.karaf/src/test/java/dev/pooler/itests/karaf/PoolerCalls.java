package dev.pooler.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolState;
import dev.pooler.api.Response;
import dev.pooler.api.Request;
import dev.pooler.api.WorkerInfo;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The calls on Pooler's API. Kept out of the test classes: in Karaf the API arrives with the feature, after the
 * test class is loaded, so only this class (loaded once it is there) names Pooler's types.
 */
final class PoolerCalls {

    static final String POOL_FACTORY_PID = "dev.pooler.pool";

    private final BundleContext context;

    PoolerCalls(BundleContext context) {
        this.context = context;
    }

    /** A pool configuration as a user would add it (factory PID {@code dev.pooler.pool}). */
    static Configuration configurePool(ConfigurationAdmin configAdmin, String name, String poolId, int size)
            throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(POOL_FACTORY_PID, name, "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("pool.id", poolId);
        p.put("size", size);
        p.put("capabilities", "all");
        p.put("adapter", "bench");
        c.update(p);
        return c;
    }

    /** The pool once it runs with all its workers. */
    Pool running(String poolId, int size) throws InterruptedException {
        Await.until("pool " + poolId + " running with " + size + " workers",
                () -> pool(poolId).filter(p -> p.state() == PoolState.RUNNING && p.workers().size() == size).isPresent(),
                () -> pool(poolId).map(p -> p.state() + " " + p.workers()).orElse("no such pool service"));
        return pool(poolId).orElseThrow();
    }

    /**
     * Sends {@code echo} and checks the answer: the payload back, from a worker of the pool whose OS process is
     * a live Python child of this JVM. Returns that process.
     */
    ProcessHandle answeredByPython(Pool pool, String payload) {
        JsonObject args = new JsonObject();
        args.addProperty("payload", payload);
        Response r = pool.executeAndWait(Request.of("echo", args));
        assertEquals(pool.id(), r.poolId());
        assertEquals(payload, r.result().getAsJsonObject().get("payload").getAsString());
        WorkerInfo w = pool.workers().stream().filter(i -> i.workerId().equals(r.workerId())).findFirst()
                .orElseThrow(() -> new AssertionError("answer from " + r.workerId() + ", not a worker of " + pool.workers()));
        ProcessHandle process = ProcessHandle.of(w.pid()).orElseThrow(() -> new AssertionError("no process " + w.pid()));
        assertTrue("worker " + w.pid() + " runs pooler_worker in Python, under this JVM: " + process.info(),
                Workers.isWorker(process) && Workers.alive().contains(process));
        return process;
    }

    Optional<Pool> pool(String poolId) {
        try {
            Collection<ServiceReference<Pool>> refs = context.getServiceReferences(Pool.class,
                    "(" + Pool.POOL_ID + "=" + poolId + ")");
            return refs.stream().findFirst().map(context::getService);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    List<String> poolIds() {
        try {
            return context.getServiceReferences(Pool.class, null).stream()
                    .map(r -> String.valueOf(r.getProperty(Pool.POOL_ID))).sorted().toList();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
