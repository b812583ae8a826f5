package dev.pooler.remote.zookeeper;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * {@code POOLER_DISCOVERY=embedded}: a standalone ZooKeeper server in this JVM, on {@code pooler.cluster.host}
 * (default loopback) and {@code pooler.discovery.port} (default 2181), for one-machine trials and tests.
 * <p>
 * Why not Aries' own {@code ZookeeperStarter}: ZooKeeper loads classes by name through the thread context class
 * loader, which on Aries' configuration thread cannot see ZooKeeper (seen: "metrics provider class was not
 * found"). Here the server starts on a thread whose context loader is this bundle's. Its data lives in this
 * bundle's data area and is wiped at each start: the cluster's state is ephemeral (who is up now).
 */
public final class EmbeddedZooKeeper implements BundleActivator {

    static final int TICK_MS = 1000;
    static final int MAX_CLIENT_CONNECTIONS = 200;

    private ServerCnxnFactory factory;
    private ZooKeeperServer server;

    @Override
    public void start(BundleContext context) throws Exception {
        if (!"embedded".equalsIgnoreCase(trim(context.getProperty("pooler.discovery")))) {
            return;
        }
        String host = trim(context.getProperty("pooler.cluster.host"));
        String portText = trim(context.getProperty("pooler.discovery.port"));
        int port = portText == null ? 2181 : Integer.parseInt(portText);
        InetSocketAddress address = new InetSocketAddress(host == null ? "127.0.0.1" : host, port);
        File data = context.getDataFile("zookeeper");
        wipe(data.toPath());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EmbeddedZooKeeper.class.getClassLoader());
        try {
            server = new ZooKeeperServer(new FileTxnSnapLog(data, data), TICK_MS, "");
            factory = ServerCnxnFactory.createFactory(address, MAX_CLIENT_CONNECTIONS);
            factory.startup(server);
        } catch (IOException | InterruptedException e) {
            stop(context);
            throw new IllegalStateException("the embedded ZooKeeper cannot listen on " + address
                    + " (POOLER_DISCOVERY_PORT, POOLER_CLUSTER_HOST): " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        System.getLogger(EmbeddedZooKeeper.class.getName()).log(System.Logger.Level.INFO,
                "embedded ZooKeeper listening on {0}", address);
    }

    @Override
    public void stop(BundleContext context) {
        if (factory != null) {
            factory.shutdown();
            factory = null;
        }
        if (server != null) {
            server.shutdown(true);
            server = null;
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
