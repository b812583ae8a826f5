package dev.pooler.launcher;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The launcher's environment (DESIGN §9): each setting comes from a system property
 * ({@code -Dpooler.home=…}) if given, else from the environment variable ({@code POOLER_HOME}),
 * else from its default. The console password is the exception: a {@code -D} option is on the
 * command line, which every user of the machine reads with {@code ps}, so it is taken from the
 * environment only and a launch with a password in a system property is refused.
 */
final class Settings {

    static final String HOME = "pooler.home";
    static final String HTTP_PORT = "pooler.http.port";
    static final String HTTP_HOST = "pooler.http.host";
    static final String CONSOLE_USER = "pooler.console.user";
    static final String CONSOLE_PASSWORD = "pooler.console.password";
    static final String PYTHON = "pooler.python";
    /** DESIGN §10: this node's name in a cluster (default: the host name, decided by the remote bundle). */
    static final String NODE = "pooler.node";
    /** This node's zone (default {@code default}). */
    static final String ZONE = "pooler.zone";
    /** Unset: one node, the remote bundles not even installed; {@code embedded}; or {@code host:port[,host:port…]}. */
    static final String DISCOVERY = "pooler.discovery";
    /** The embedded ZooKeeper's port (default 2181). */
    static final String DISCOVERY_PORT = "pooler.discovery.port";
    /** The interface remote endpoints (and an embedded ZooKeeper) listen on (default 127.0.0.1). */
    static final String CLUSTER_HOST = "pooler.cluster.host";
    /** The cluster settings passed on as framework properties when given. */
    static final List<String> CLUSTER = List.of(NODE, ZONE, DISCOVERY, DISCOVERY_PORT, CLUSTER_HOST);
    /**
     * System properties that would carry the console password: ours and the Web Console's own. Also
     * matched written as environment variables ({@code -DPOOLER_CONSOLE_PASSWORD=…}).
     */
    static final List<String> PASSWORD_PROPERTIES = List.of(CONSOLE_PASSWORD, "felix.webconsole.password");

    final Path home;
    final int httpPort;
    final String httpHost;
    final String consoleUser;
    /** From {@code POOLER_CONSOLE_PASSWORD} only; empty when it is read from (or generated into) {@code <home>/console.password}. */
    final Optional<String> consolePassword;
    final String python;
    /** The cluster settings that were given ({@link #CLUSTER}), by property name; empty for one node. */
    final Map<String, String> cluster;

    Settings(Map<String, String> env, Properties systemProperties) {
        this.home = Path.of(value(env, systemProperties, HOME, ".")).toAbsolutePath().normalize();
        refusePasswordOnCommandLine(systemProperties, home);
        this.httpPort = port(value(env, systemProperties, HTTP_PORT, "8080"));
        this.httpHost = value(env, systemProperties, HTTP_HOST, "127.0.0.1");
        this.consoleUser = value(env, systemProperties, CONSOLE_USER, "pooler");
        this.consolePassword = Optional.ofNullable(fromEnvironment(env, CONSOLE_PASSWORD));
        this.python = value(env, systemProperties, PYTHON, "python3");
        Map<String, String> clusterSettings = new java.util.LinkedHashMap<>();
        for (String key : CLUSTER) {
            String v = value(env, systemProperties, key, null);
            if (v != null) {
                clusterSettings.put(key, v);
            }
        }
        this.cluster = Map.copyOf(clusterSettings);
        if (!clustered() && clusterSettings.keySet().stream().anyMatch(k -> !k.equals(NODE) && !k.equals(ZONE))) {
            throw new IllegalArgumentException("POOLER_DISCOVERY_PORT and POOLER_CLUSTER_HOST need POOLER_DISCOVERY "
                    + "('embedded' or host:port[,host:port...]): without it this node runs alone");
        }
        if (home.toString().contains(",")) {
            // FileInstall takes felix.fileinstall.dir as a comma-separated list.
            throw new IllegalArgumentException("POOLER_HOME must not contain a comma: " + home);
        }
    }

    /** Whether this node joins a cluster (POOLER_DISCOVERY set): only then are the remote bundles installed. */
    boolean clustered() {
        return cluster.containsKey(DISCOVERY);
    }

    static Settings fromEnvironment() {
        return new Settings(System.getenv(), System.getProperties());
    }

    /** The address a person types in a browser: a wildcard bind is reachable on loopback. */
    String consoleUrl() {
        String host = httpHost.equals("0.0.0.0") || httpHost.equals("::") ? "127.0.0.1" : httpHost;
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + httpPort + "/system/console";
    }

    /**
     * Whether a person is at a terminal. Java 22+ returns a console even without one and
     * tells the difference through {@code Console.isTerminal()}; Java 17 returns null.
     */
    static boolean interactiveTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static void refusePasswordOnCommandLine(Properties sys, Path home) {
        for (String key : sys.stringPropertyNames()) {
            String asProperty = key.toLowerCase(Locale.ROOT).replace('_', '.');
            if (PASSWORD_PROPERTIES.contains(asProperty)) {
                throw new IllegalArgumentException("-D" + key + " puts the Web Console password on the command line, "
                        + "where anyone on this machine can read it (ps). Remove it and set POOLER_CONSOLE_PASSWORD "
                        + "in the environment instead, or write the password into " + home.resolve(ConsoleCredentials.PASSWORD_FILE)
                        + " (readable by you only)");
            }
        }
    }

    private static String value(Map<String, String> env, Properties sys, String property, String fallback) {
        String fromSystem = sys.getProperty(property);
        if (fromSystem != null && !fromSystem.isBlank()) {
            return fromSystem.trim();
        }
        String fromEnv = fromEnvironment(env, property);
        return fromEnv != null ? fromEnv : fallback;
    }

    private static String fromEnvironment(Map<String, String> env, String property) {
        String fromEnv = env.get(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : null;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("POOLER_HTTP_PORT must be a port number (0-65535), not '" + text + "'");
    }
}
