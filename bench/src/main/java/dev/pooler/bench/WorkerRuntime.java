package dev.pooler.bench;

import dev.pooler.core.impl.pool.PythonPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The Python worker runtime ({@code pooler_worker}) that core.impl carries under {@code python/}:
 * the folder itself when core.impl is on the classpath as a folder, or a copy unpacked from its jar
 * into a temporary folder, as the bundle does in OSGi. Closing it removes such a copy.
 */
public final class WorkerRuntime implements AutoCloseable {

    private static final String ROOT = "python/";
    private static final String MARKER = ROOT + "pooler_worker/__main__.py";

    private final Path dir;
    private final boolean temporary;

    private WorkerRuntime(Path dir, boolean temporary) {
        this.dir = dir;
        this.temporary = temporary;
    }

    /** The folder to run workers in and to put on their PYTHONPATH. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (temporary) {
            deleteQuietly(dir);
        }
    }

    public static WorkerRuntime locate(Path configured) {
        if (configured != null) {
            if (!Files.isRegularFile(configured.resolve("pooler_worker/__main__.py"))) {
                throw new IllegalArgumentException("runtime: " + configured + " holds no pooler_worker package");
            }
            return new WorkerRuntime(configured, false);
        }
        URL url = PythonPool.class.getClassLoader().getResource(MARKER);
        if (url == null) {
            throw new IllegalStateException("core.impl on the classpath carries no " + MARKER + "; pass --runtime=<folder>");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return new WorkerRuntime(Path.of(url.toURI()).getParent().getParent(), false);
            }
            if ("jar".equals(url.getProtocol())) {
                return new WorkerRuntime(unpack(((JarURLConnection) url.openConnection()).getJarFile()), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the worker runtime from " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("cannot use the worker runtime at " + url + "; pass --runtime=<folder>");
    }

    private static Path unpack(JarFile jar) throws IOException {
        Path target = Files.createTempDirectory("pooler-bench-python");
        // also when the run is interrupted; close() does it on a normal end
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(target)));
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry e = entries.nextElement();
            String name = e.getName();
            if (!name.startsWith(ROOT) || e.isDirectory() || name.contains("__pycache__")) {
                continue;
            }
            Path file = target.resolve(name.substring(ROOT.length())).normalize();
            if (!file.startsWith(target)) {
                continue;
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = jar.getInputStream(e)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
