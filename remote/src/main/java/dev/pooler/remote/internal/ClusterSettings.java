package dev.pooler.remote.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How this node joins the cluster, from framework properties the launcher sets from its environment:
 * {@code pooler.discovery} ({@code POOLER_DISCOVERY}: {@code embedded}, or {@code host:port[,host:port…]}),
 * {@code pooler.discovery.port} ({@code POOLER_DISCOVERY_PORT}, default 2181: the embedded ZooKeeper's port),
 * {@code pooler.cluster.host} ({@code POOLER_CLUSTER_HOST}, default 127.0.0.1: where remote endpoints listen) and
 * {@code pooler.cluster.port} (default 0: any free port). Bad values are refused with a message naming them.
 */
record ClusterSettings(boolean embedded, String connectString, int discoveryPort, String clusterHost, int clusterPort) {

    static final String DISCOVERY = "pooler.discovery";
    static final String DISCOVERY_PORT = "pooler.discovery.port";
    static final String CLUSTER_HOST = "pooler.cluster.host";
    static final String CLUSTER_PORT = "pooler.cluster.port";
    static final String EMBEDDED = "embedded";

    /** Empty when {@code pooler.discovery} is not set: then this bundle only exports and imports, configuring nothing. */
    static java.util.Optional<ClusterSettings> of(UnaryOperator<String> properties) {
        String discovery = trim(properties.apply(DISCOVERY));
        if (discovery == null) {
            return java.util.Optional.empty();
        }
        int discoveryPort = port(DISCOVERY_PORT, "POOLER_DISCOVERY_PORT", trim(properties.apply(DISCOVERY_PORT)), 2181, false);
        String host = trim(properties.apply(CLUSTER_HOST));
        host = host == null ? "127.0.0.1" : host;
        int clusterPort = port(CLUSTER_PORT, "pooler.cluster.port", trim(properties.apply(CLUSTER_PORT)), 0, true);
        if (EMBEDDED.equalsIgnoreCase(discovery)) {
            String local = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
            return java.util.Optional.of(new ClusterSettings(true, hostPort(local, discoveryPort), discoveryPort, host, clusterPort));
        }
        List<String> members = new ArrayList<>();
        for (String member : discovery.split(",")) {
            String m = member.trim();
            int colon = m.lastIndexOf(':');
            if (m.isEmpty() || colon <= 0 || colon == m.length() - 1) {
                throw new IllegalArgumentException("POOLER_DISCOVERY must be 'embedded' or a list host:port[,host:port...], "
                        + "not '" + discovery + "' ('" + m + "' has no host:port)");
            }
            port("POOLER_DISCOVERY", "POOLER_DISCOVERY", m.substring(colon + 1), 0, false);
            members.add(m);
        }
        return java.util.Optional.of(new ClusterSettings(false, String.join(",", members), discoveryPort, host, clusterPort));
    }

    /**
     * Aries' ZooKeeper discovery joins its {@code zookeeper.host} and {@code zookeeper.port} with a colon into the
     * ZooKeeper connect string: a list {@code a:1,b:2} is given as host {@code a:1,b} and port {@code 2}.
     */
    String zookeeperHost() {
        return connectString.substring(0, connectString.lastIndexOf(':'));
    }

    String zookeeperPort() {
        return connectString.substring(connectString.lastIndexOf(':') + 1);
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static int port(String property, String name, String text, int fallback, boolean zeroAllowed) {
        if (text == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= (zeroAllowed ? 0 : 1) && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " (" + property + ") must be a port number (" + (zeroAllowed ? 0 : 1)
                + "-65535), not '" + text + "'");
    }

    private static String trim(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
