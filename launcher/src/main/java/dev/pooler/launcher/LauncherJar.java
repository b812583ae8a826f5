package dev.pooler.launcher;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What the launcher carries: the entries of {@code pooler.jar} (or of {@code target/classes}
 * when run from an IDE), listed by folder. Listing the jar itself means a bundle copied into
 * {@code bundles/} by the build needs no index file.
 */
final class LauncherJar {

    private final Path location;

    LauncherJar(Path location) {
        this.location = location;
    }

    static LauncherJar ofRunningCode() {
        try {
            return new LauncherJar(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("Cannot locate the launcher jar", e);
        }
    }

    /** Entry names (with '/' separators) under {@code folder}, sorted, files only. */
    List<String> list(String folder) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            Path dir = location.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(Files::isRegularFile)
                         .map(p -> location.relativize(p).toString().replace('\\', '/'))
                         .forEach(names::add);
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(folder)) {
                        names.add(entry.getName());
                    }
                }
            }
        }
        names.sort(null);
        return names;
    }

    InputStream open(String entry) throws IOException {
        if (Files.isDirectory(location)) {
            return Files.newInputStream(location.resolve(entry));
        }
        JarFile jar = new JarFile(location.toFile());
        JarEntry jarEntry = jar.getJarEntry(entry);
        if (jarEntry == null) {
            jar.close();
            throw new IOException("not in " + location + ": " + entry);
        }
        return new FilterInputStream(jar.getInputStream(jarEntry)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    jar.close();
                }
            }
        };
    }
}
