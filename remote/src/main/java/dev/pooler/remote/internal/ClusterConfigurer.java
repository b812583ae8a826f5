package dev.pooler.remote.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Turns {@link ClusterSettings} into the configurations of Aries RSA: the fastbin provider's listening address
 * (loopback unless {@code POOLER_CLUSTER_HOST} names an interface) and the ZooKeeper discovery client. With
 * {@code POOLER_DISCOVERY=embedded} the ZooKeeper bundle ({@code dev.pooler.remote.zookeeper}) runs the server itself.
 * <p>
 * The launcher starts this bundle before the Aries bundles, so the fastbin provider finds its configuration when it
 * starts and never binds its default (every interface, port 2543). Without {@code pooler.discovery} nothing is
 * written: whoever runs the framework configures Aries (Pax Exam tests, a Karaf user).
 */
@Component(immediate = true)
public class ClusterConfigurer {

    static final String FASTBIN_PID = "org.apache.aries.rsa.provider.fastbin";
    static final String ZOOKEEPER_CLIENT_PID = "org.apache.aries.rsa.discovery.zookeeper";
    /**
     * ZooKeeper session timeout: a node killed without a goodbye leaves ZooKeeper after about this long (its pools
     * leave the candidates before, at the first call to it that fails), and ZooKeeper lost for this long makes the
     * pools of other nodes leave ({@link ZooKeeperLink}).
     */
    static final int SESSION_TIMEOUT_MS = 3000;

    private static final System.Logger LOG = System.getLogger(ClusterConfigurer.class.getName());

    @Activate
    public ClusterConfigurer(BundleContext context, @Reference ConfigurationAdmin admin) throws IOException {
        Optional<ClusterSettings> settings = ClusterSettings.of(context::getProperty);
        if (settings.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "pooler.discovery not set: Remote Services left as configured elsewhere");
            return;
        }
        ClusterSettings s = settings.get();
        Hashtable<String, Object> fastbin = new Hashtable<>();
        String host = s.clusterHost().contains(":") ? "[" + s.clusterHost() + "]" : s.clusterHost();
        fastbin.put("uri", "tcp://" + host + ":" + s.clusterPort());
        if (!s.clusterHost().equals("0.0.0.0") && !s.clusterHost().equals("::")) {
            fastbin.put("exportedAddress", s.clusterHost());
        }
        update(admin, FASTBIN_PID, fastbin);
        Hashtable<String, Object> client = new Hashtable<>();
        client.put("zookeeper.host", s.zookeeperHost());
        client.put("zookeeper.port", s.zookeeperPort());
        client.put("zookeeper.timeout", SESSION_TIMEOUT_MS);
        update(admin, ZOOKEEPER_CLIENT_PID, client);
        LOG.log(System.Logger.Level.INFO, "cluster: discovery {0}{1}, endpoints on {2}", s.connectString(),
                s.embedded() ? " (embedded)" : "", fastbin.get("uri"));
    }

    /**
     * Starts Aries' ZooKeeper discovery afresh: its configuration written again with a new {@code pooler.restart}
     * value (Declarative Services deactivates and activates a component without a modified method).
     */
    static void restartZooKeeperClient(ConfigurationAdmin admin) {
        try {
            Configuration c = admin.getConfiguration(ZOOKEEPER_CLIENT_PID, "?");
            Dictionary<String, Object> now = c.getProperties();
            if (now == null) {
                return; // not configured by anybody: nothing to restart
            }
            now.put("pooler.restart", System.currentTimeMillis());
            c.update(now);
            LOG.log(System.Logger.Level.INFO, "ZooKeeper discovery restarted: no client connected for a while");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ZooKeeper discovery could not be restarted: " + e);
        }
    }

    /** Writes the configuration only when it differs, so a restart does not bounce the Aries components. */
    private static void update(ConfigurationAdmin admin, String pid, Hashtable<String, Object> wanted) throws IOException {
        Configuration c = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> now = c.getProperties();
        if (now != null && same(now, wanted)) {
            return;
        }
        c.update(wanted);
    }

    private static boolean same(Dictionary<String, Object> now, Hashtable<String, Object> wanted) {
        for (String key : wanted.keySet()) {
            Object v = now.get(key);
            if (v == null || !v.toString().equals(wanted.get(key).toString())) {
                return false;
            }
        }
        return true;
    }
}
