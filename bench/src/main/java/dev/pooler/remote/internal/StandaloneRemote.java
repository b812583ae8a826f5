package dev.pooler.remote.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.remote.api.RemotePoolEndpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.aries.rsa.provider.fastbin.FastBinProvider;
import org.apache.aries.rsa.spi.Endpoint;
import org.osgi.framework.Constants;
import org.osgi.service.remoteserviceadmin.EndpointDescription;

/**
 * The bench's way to the remote path outside OSGi: it lives in the remote bundle's package (on the bench's plain
 * classpath) and does what Aries RSA and the remote bundle do in a cluster, with their own classes: one node's
 * {@link LocalEndpoint} exported by a fastbin provider under {@link PoolExporter}'s properties; the endpoint
 * description (what ZooKeeper would carry between the nodes, off the request path) imported by a second fastbin
 * provider, the other node's; and that proxy wrapped in a {@link RemotePool} as {@link PoolImporter} wraps it.
 * Requests then travel as in a cluster: JSON text, fastbin's TCP connection (loopback), the serving node's pool.
 */
public final class StandaloneRemote implements AutoCloseable {

    /** fastbin's call timeout; a request's own timeout (plus {@link RemotePool#TRANSIT_GRACE}) answers first. */
    private static final long FASTBIN_TIMEOUT_MS = 5 * 60_000L;

    private final FastBinProvider serving;
    private final FastBinProvider calling;
    private final Endpoint exported;
    private final ExecutorService answers = Executors.newCachedThreadPool(r -> daemon(r, "pooler-remote-answer"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pooler-remote-timer"));
    private final RemotePool remote;

    /**
     * Exports {@code pool} as node {@code servingNode} would and imports it as node {@code callingNode} would.
     *
     * @param host the interface both providers listen on (loopback for the bench)
     */
    public StandaloneRemote(Pool pool, String servingNode, String callingNode, String host) throws Exception {
        serving = new FastBinProvider("tcp://" + host + ":0", host, FASTBIN_TIMEOUT_MS);
        calling = new FastBinProvider("tcp://" + host + ":0", host, FASTBIN_TIMEOUT_MS);
        NodeIdentity servingIdentity = new NodeIdentity(servingNode, PoolConfig.DEFAULT_ZONE);
        Map<String, Object> properties = new HashMap<>();
        PoolExporter.properties(pool, servingIdentity).forEach(properties::put);
        properties.put(Constants.OBJECTCLASS, new String[] {RemotePoolEndpoint.class.getName()});
        exported = serving.exportService(new LocalEndpoint(pool), null, properties, new Class<?>[] {RemotePoolEndpoint.class});
        EndpointDescription description = exported.description();
        if (callingNode.equals(servingNode)) {
            throw new IllegalArgumentException("the calling node must not be the serving node: " + callingNode);
        }
        RemotePoolEndpoint proxy = (RemotePoolEndpoint) calling.importEndpoint(RemotePoolEndpoint.class.getClassLoader(),
                null, new Class<?>[] {RemotePoolEndpoint.class}, description);
        Map<String, Object> p = description.getProperties();
        String id = p.get(RemotePoolEndpoint.POOL_ID) + "@" + p.get(RemotePoolEndpoint.NODE);
        PoolConfig config = WireCodec.config((String) p.get(RemotePoolEndpoint.CONFIG), id,
                (String) p.get(RemotePoolEndpoint.ZONE));
        remote = new RemotePool(id, servingNode, config, proxy, answers, timer);
        remote.refreshStats();
    }

    /** The serving node's pool as the calling node sees it: {@code <pool.id>@<node>}. */
    public Pool pool() {
        return remote;
    }

    @Override
    public void close() throws Exception {
        remote.close();
        exported.close();
        calling.close();
        serving.close();
        answers.shutdown();
        timer.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
