package dev.pooler.remote.internal;

import java.net.InetAddress;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Who this node is in the cluster: its name ({@code pooler.node}, the launcher's {@code POOLER_NODE}, default the
 * host name) and its zone ({@code pooler.zone}, {@code POOLER_ZONE}, default {@code default}). Read from framework
 * (or system) properties.
 */
record NodeIdentity(String node, String zone) {

    static final String NODE_PROPERTY = "pooler.node";
    static final String ZONE_PROPERTY = dev.pooler.api.PoolConfig.NODE_ZONE_PROPERTY;
    static final String DEFAULT_ZONE = dev.pooler.api.PoolConfig.DEFAULT_ZONE;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    NodeIdentity {
        if (!NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("POOLER_NODE (pooler.node) must be 1-64 letters, digits, '_', '.' or '-' "
                    + "(not starting with '.' or '-'), was '" + node + "'");
        }
        if (zone.isBlank()) {
            throw new IllegalArgumentException("POOLER_ZONE (pooler.zone) must not be empty");
        }
    }

    /** @param properties a framework property by name, or null */
    static NodeIdentity of(UnaryOperator<String> properties) {
        String node = blankToNull(properties.apply(NODE_PROPERTY));
        String zone = blankToNull(properties.apply(ZONE_PROPERTY));
        return new NodeIdentity(node == null ? hostName() : node, zone == null ? DEFAULT_ZONE : zone);
    }

    /** The host name, cut to a valid node name. */
    static String hostName() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            name = "node";
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[.-]+", "");
        if (cleaned.isEmpty()) {
            return "node";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
