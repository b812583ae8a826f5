package dev.pooler.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ops4j.pax.exam.Option;

/**
 * The platform under test, as Pax Exam options. The bundle list lives in one place: the failsafe
 * system property {@code pooler.bundles} in this module's pom (file paths, comma-separated, in start
 * order). Add a bundle there and every test, including the Felix child JVM of {@link JvmKillIT}, gets it.
 */
public final class PoolerPlatform {

    public static final String BUNDLES_PROPERTY = "pooler.bundles";

    private PoolerPlatform() {
    }

    /** The bundle files of the platform, checked to exist. */
    public static List<Path> bundleFiles() {
        String list = System.getProperty(BUNDLES_PROPERTY);
        if (list == null || list.isBlank()) {
            throw new IllegalStateException("system property " + BUNDLES_PROPERTY + " is not set: run the tests through "
                    + "'mvn verify' (failsafe sets it), not from a bare IDE runner");
        }
        List<Path> files = new ArrayList<>();
        for (String item : list.split(",")) {
            String p = item.trim();
            if (p.isEmpty()) {
                continue;
            }
            Path f = Path.of(p).toAbsolutePath().normalize();
            if (!Files.isRegularFile(f)) {
                throw new IllegalStateException("bundle " + p + " does not exist: build it first (for a reactor "
                        + "module, 'mvn install -f <module>/pom.xml', or build the whole reactor)");
            }
            files.add(f);
        }
        return files;
    }

    /** Pax Exam options: JUnit, then every platform bundle, started. */
    public static Option[] options(Option... extra) {
        return options(f -> true, extra);
    }

    /** Pax Exam options: JUnit, then the platform bundles that {@code keep} accepts, started. */
    public static Option[] options(Predicate<Path> keep, Option... extra) {
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(cleanCaches(true));
        for (Path f : bundleFiles()) {
            if (keep.test(f)) {
                options.add(bundle(f.toUri().toString()).start());
            }
        }
        options.addAll(List.of(extra));
        return options.toArray(Option[]::new);
    }

    /** Whether a bundle file is the artifact {@code artifactId} (its name is {@code <artifactId>-<version>.jar}). */
    public static boolean isArtifact(Path file, String artifactId) {
        String name = file.getFileName().toString();
        return name.startsWith(artifactId + "-") && name.endsWith(".jar")
                && Character.isDigit(name.charAt(artifactId.length() + 1));
    }

    /** The platform bundle file of that artifact, from {@code pooler.bundles}. */
    public static Path bundleFile(String artifactId) {
        return bundleFiles().stream().filter(f -> isArtifact(f, artifactId)).findFirst()
                .orElseThrow(() -> new IllegalStateException(artifactId + " is not in " + BUNDLES_PROPERTY));
    }

    /** The worker-sharing bundle file (system property {@code pooler.sharing}), checked to exist. */
    public static Path sharingBundle() {
        String p = System.getProperty("pooler.sharing");
        if (p == null || p.isBlank() || !Files.isRegularFile(Path.of(p.trim()))) {
            throw new IllegalStateException("system property pooler.sharing does not name the sharing bundle (build sharing/ first): " + p);
        }
        return Path.of(p.trim()).toAbsolutePath().normalize();
    }

    /** The platform plus the worker-sharing bundle, started last (other tests run without it: it moves workers). */
    public static Option[] withSharing(Option... extra) {
        List<Option> options = new ArrayList<>(List.of(options()));
        options.add(bundle(sharingBundle().toUri().toString()).start());
        options.addAll(List.of(extra));
        return options.toArray(Option[]::new);
    }

    /** The session-affinity bundle (system property {@code pooler.affinity}), started: add it to a test's options. */
    public static Option affinity() { return bundle(Path.of(System.getProperty("pooler.affinity", "pooler.affinity is not set")).toUri().toString()).start(); }

    /** The Felix FileInstall bundle file (system property {@code pooler.fileinstall}), checked to exist. */
    public static Path fileInstallBundle() {
        String p = System.getProperty("pooler.fileinstall");
        if (p == null || p.isBlank() || !Files.isRegularFile(Path.of(p.trim()))) {
            throw new IllegalStateException("system property pooler.fileinstall does not name the FileInstall jar: " + p);
        }
        return Path.of(p.trim()).toAbsolutePath().normalize();
    }

    /** The interpreter the workers use (the build's {@code python} property). */
    public static String python() {
        String p = System.getProperty("pooler.python");
        return p == null || p.isBlank() ? "python3" : p;
    }
}
