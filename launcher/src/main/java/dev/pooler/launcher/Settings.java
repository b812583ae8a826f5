package dev.pooler.launcher;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The launcher's environment (DESIGN §9): each setting comes from a system property
 * ({@code -Dpooler.home=…}) if given, else from the environment variable ({@code POOLER_HOME}),
 * else from its default.
 */
final class Settings {

    static final String HOME = "pooler.home";
    static final String HTTP_PORT = "pooler.http.port";
    static final String HTTP_HOST = "pooler.http.host";
    static final String CONSOLE_USER = "pooler.console.user";
    static final String CONSOLE_PASSWORD = "pooler.console.password";
    static final String PYTHON = "pooler.python";

    final Path home;
    final int httpPort;
    final String httpHost;
    final String consoleUser;
    /** Empty when the password is to be generated (or read from {@code <home>/console.password}). */
    final Optional<String> consolePassword;
    final String python;

    Settings(Map<String, String> env, Properties systemProperties) {
        this.home = Path.of(value(env, systemProperties, HOME, ".")).toAbsolutePath().normalize();
        this.httpPort = port(value(env, systemProperties, HTTP_PORT, "8080"));
        this.httpHost = value(env, systemProperties, HTTP_HOST, "127.0.0.1");
        this.consoleUser = value(env, systemProperties, CONSOLE_USER, "pooler");
        this.consolePassword = Optional.ofNullable(value(env, systemProperties, CONSOLE_PASSWORD, null));
        this.python = value(env, systemProperties, PYTHON, "python3");
        if (home.toString().contains(",")) {
            // FileInstall takes felix.fileinstall.dir as a comma-separated list.
            throw new IllegalArgumentException("POOLER_HOME must not contain a comma: " + home);
        }
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

    private static String value(Map<String, String> env, Properties sys, String property, String fallback) {
        String fromSystem = sys.getProperty(property);
        if (fromSystem != null && !fromSystem.isBlank()) {
            return fromSystem.trim();
        }
        String fromEnv = env.get(property.toUpperCase().replace('.', '_'));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        return fallback;
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
