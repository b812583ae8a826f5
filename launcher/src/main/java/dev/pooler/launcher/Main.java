package dev.pooler.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * {@code java -jar pooler.jar}: starts Apache Felix with the bundles carried in the jar, the
 * configurations in {@code POOLER_HOME/conf} and the bundles dropped in {@code POOLER_HOME/deploy}.
 * Runs until SIGTERM, Ctrl-C (without a terminal), Ctrl-D in the shell or {@code stop 0}; the
 * framework is then stopped cleanly, so pools stop their Python workers.
 */
public final class Main {

    private static final long STOP_TIMEOUT_MS = 30_000;
    /** java.util.logging keeps loggers weakly: these hold the levels set in {@link #quietLibraryLogging}. */
    private static final List<Logger> QUIETED = new ArrayList<>();
    private static volatile Framework framework;
    /** Held until the JVM exits: this launcher owns its POOLER_HOME. */
    private static FileLock homeLock;
    private static boolean stopReported;

    private final Settings settings;
    private final PoolerHome home;
    private final LauncherJar jar;
    private final ConsoleCredentials credentials;
    private final boolean interactive;
    private final Map<String, String> properties;
    private final PrintStream out;
    private final PrintStream err;
    private final long startedNanos;

    private Main(Settings settings, PoolerHome home, LauncherJar jar, ConsoleCredentials credentials,
                 boolean interactive, PrintStream out, PrintStream err, long startedNanos) {
        this.settings = settings;
        this.home = home;
        this.jar = jar;
        this.credentials = credentials;
        this.interactive = interactive;
        this.properties = FrameworkProperties.of(settings, home, credentials, interactive, System.getProperties());
        this.out = out;
        this.err = err;
        this.startedNanos = startedNanos;
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            Settings settings = Settings.fromEnvironment();
            LauncherJar jar = LauncherJar.ofRunningCode();
            PoolerHome home = new PoolerHome(settings.home);
            homeLock = home.lock();
            // Before conf/ is seeded: a launch refused for its credentials seeds nothing.
            ConsoleCredentials credentials = ConsoleCredentials.resolve(settings);
            for (Path seeded : home.prepare(jar)) {
                out.println("[pooler] created " + seeded);
            }
            boolean interactive = Settings.interactiveTerminal();
            quietLibraryLogging(interactive);
            Main main = new Main(settings, home, jar, credentials, interactive, out, err, started);

            Runtime.getRuntime().addShutdownHook(new Thread(Main::stopFramework, "pooler-shutdown"));
            FrameworkEvent end = main.run(true);
            while (end.getType() == FrameworkEvent.STOPPED_UPDATE) {
                out.println("[pooler] restarting the framework");
                end = main.run(false);
            }
            reportStopped();
            System.exit(end.getType() == FrameworkEvent.ERROR ? 1 : 0);
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("[pooler] cannot start: " + e.getMessage());
            stopFramework();
            System.exit(1);
        } catch (Exception e) {
            err.println("[pooler] cannot start: " + e);
            e.printStackTrace(err);
            stopFramework();
            System.exit(1);
        }
    }

    /** One life of the framework; another follows a framework update (a restart from the Web Console). */
    private FrameworkEvent run(boolean first) throws Exception {
        Framework fw = ServiceLoader.load(FrameworkFactory.class, Main.class.getClassLoader())
                                    .findFirst()
                                    .orElseThrow(() -> new IllegalStateException("no OSGi framework in the jar"))
                                    .newFramework(properties);
        fw.init();
        framework = fw;
        if (!interactive) {
            // After init(): the first init() empties the framework storage.
            writeQuietShellProfile();
        }
        new LogForwarder(fw.getBundleContext(), err, System.getProperty(LogForwarder.LEVEL_PROPERTY)).open();
        EmbeddedBundles embedded = new EmbeddedBundles(jar, err, settings.clustered());
        List<Bundle> bundles = embedded.install(fw.getBundleContext());
        fw.start();
        int failed = embedded.start(fw.getBundleContext(), bundles);
        long ms = (System.nanoTime() - startedNanos) / 1_000_000;
        String summary = failed == 0
                ? String.format("[pooler] %d bundles started in %d ms; home %s%n", embedded.embedded(), ms, settings.home)
                : String.format("[pooler] %d of %d bundles started, %d FAILED (reasons on stderr), in %d ms; home %s%n",
                        embedded.embedded() - failed, embedded.embedded(), failed, ms, settings.home);
        out.print(first ? summary + Banner.text(settings, credentials, interactive) : summary);
        out.flush();
        embedded.startShell(bundles);
        return fw.waitForStop(0);
    }

    /**
     * Jetty, the Web Console (slf4j-simple) and SPI Fly (java.util.logging) report every start at
     * INFO on stderr; keep stderr for warnings and errors. -D settings take precedence.
     */
    private static void quietLibraryLogging(boolean interactive) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // One line per record: time, level, logger, message (the pools log through java.util.logging).
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            quiet("org.apache.aries.spifly", Level.WARNING);
            if (!interactive) {
                // "Unable to create a system terminal": expected without a terminal.
                quiet("org.jline", Level.SEVERE);
            }
        }
    }

    private static void quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        QUIETED.add(logger);
    }

    private void writeQuietShellProfile() throws IOException {
        Path goshHome = home.cache.resolve("gosh");
        if (!goshHome.toString().equals(properties.get(FrameworkProperties.GOSH_HOME))) {
            return; // -Dgosh.home given: the user's own profile
        }
        Path profile = goshHome.resolve("etc").resolve("gosh_profile");
        Files.createDirectories(profile.getParent());
        Files.writeString(profile, "# Written by the Pooler launcher: no terminal, so no line editing to set up.\n");
    }

    private static synchronized void reportStopped() {
        if (!stopReported) {
            stopReported = true;
            System.out.println("[pooler] stopped");
            System.out.flush();
        }
    }

    private static void stopFramework() {
        Framework fw = framework;
        if (fw == null || (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return;
        }
        try {
            fw.stop();
            FrameworkEvent event = fw.waitForStop(STOP_TIMEOUT_MS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("[pooler] the framework did not stop within " + STOP_TIMEOUT_MS + " ms");
            } else {
                // Here, not only in main(): after SIGTERM the JVM halts as soon as this hook returns.
                reportStopped();
            }
        } catch (Exception e) {
            System.err.println("[pooler] error while stopping: " + e);
        }
    }
}
