package dev.pooler.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Installs the bundles carried in the jar under {@code bundles/} and starts them in
 * {@link BundleStartOrder}. A bundle that does not install, resolve or start is reported on
 * stderr with its reason; the others go on.
 */
final class EmbeddedBundles {

    static final String FOLDER = "bundles/";
    /** The Remote Services bundles (DESIGN §10): installed only when this node joins a cluster. */
    static final String REMOTE_FOLDER = "bundles-remote/";
    static final String LOCATION_PREFIX = "pooler:";
    private static final String JLINE = "org.jline";

    private final LauncherJar jar;
    private final PrintStream err;
    private final List<String> folders;
    private final List<String> failures = new ArrayList<>();
    private Bundle systemBundle;
    private int embedded;

    EmbeddedBundles(LauncherJar jar, PrintStream err) {
        this(jar, err, false);
    }

    /** @param clustered whether the bundles of {@link #REMOTE_FOLDER} are installed too */
    EmbeddedBundles(LauncherJar jar, PrintStream err, boolean clustered) {
        this.jar = jar;
        this.err = err;
        this.folders = clustered ? List.of(FOLDER, REMOTE_FOLDER) : List.of(FOLDER);
    }

    /** Installs every embedded bundle not yet installed (a restarted framework keeps its own). */
    List<Bundle> install(BundleContext context) throws IOException {
        List<Bundle> bundles = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String folder : folders) {
            entries.addAll(jar.list(folder));
        }
        for (String entry : entries) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            embedded++;
            String location = LOCATION_PREFIX + entry;
            Bundle existing = context.getBundle(location);
            if (existing != null) {
                bundles.add(existing);
                continue;
            }
            try (InputStream in = jar.open(entry)) {
                bundles.add(context.installBundle(location, in));
            } catch (BundleException e) {
                fail(entry, "install", e);
            }
        }
        return bundles;
    }

    /** Starts the bundles (but not the Gogo shell, see {@link #startShell}); returns how many failed. */
    int start(BundleContext context, List<Bundle> bundles) {
        systemBundle = context.getBundle(0);
        // One resolution for all: the resolver sees every provider at once instead of wiring
        // bundle by bundle in start order. What stays unresolved fails in start() with its reason.
        systemBundle.adapt(FrameworkWiring.class).resolveBundles(bundles);
        List<Bundle> ordered = new ArrayList<>(bundles);
        ordered.sort(BundleStartOrder.COMPARATOR);
        for (Bundle bundle : ordered) {
            if (!BundleStartOrder.GOGO_SHELL.equals(bundle.getSymbolicName())) {
                start(bundle);
            }
        }
        return failures.size();
    }

    /**
     * Starts the Gogo shell. JLine looks its terminal providers up through the thread context
     * class loader, and the shell builds its terminal on the thread that starts it: lend that
     * thread JLine's own loader, or JLine falls back to a "dumb" terminal without line editing.
     */
    void startShell(List<Bundle> bundles) {
        ClassLoader jline = bundles.stream()
                .filter(b -> JLINE.equals(b.getSymbolicName()))
                .map(b -> b.adapt(BundleWiring.class))
                .filter(Objects::nonNull)
                .map(BundleWiring::getClassLoader)
                .findFirst().orElse(null);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            if (jline != null) {
                thread.setContextClassLoader(jline);
            }
            bundles.stream()
                   .filter(b -> BundleStartOrder.GOGO_SHELL.equals(b.getSymbolicName()))
                   .forEach(this::start);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    List<String> failures() {
        return failures;
    }

    /** How many bundle jars the launcher carries. */
    int embedded() {
        return embedded;
    }

    private void start(Bundle bundle) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null || stopping()) {
            return;
        }
        try {
            bundle.start();
            if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING && !stopping()) {
                fail(name(bundle), "start", new BundleException("state after start: " + state(bundle.getState())));
            }
        } catch (BundleException | RuntimeException e) {
            if (!stopping()) {
                fail(name(bundle), "start", e);
            }
        }
    }

    /** SIGTERM during the start: the bundles not started then are no failure. */
    private boolean stopping() {
        return systemBundle != null && (systemBundle.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0;
    }

    private void fail(String what, String action, Exception e) {
        StringBuilder reason = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            reason.append("\n        caused by ").append(cause);
        }
        String line = "[pooler] FAILED to " + action + " bundle " + what + ": " + reason;
        failures.add(line);
        err.println(line);
    }

    private static String name(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }

    static String state(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED (unresolved)";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return Integer.toString(state);
        }
    }
}
