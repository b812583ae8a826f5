package dev.pooler.core.impl.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import org.osgi.framework.Bundle;

/** The Python worker runtime ({@code pooler_worker}) carried as a bundle resource under {@code python/}. */
public final class PythonRuntime {

    private static final String ROOT = "python/";

    private PythonRuntime() {
    }

    /**
     * Unpacks the runtime into the bundle's data area, once per bundle version, and returns the
     * folder to put on the workers' {@code PYTHONPATH}.
     */
    public static Path unpack(Bundle bundle) {
        Path target = bundle.getDataFile("python-" + bundle.getLastModified()).toPath();
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target;
        }
        try {
            Enumeration<URL> entries = bundle.findEntries(ROOT, "*", true);
            if (entries == null) {
                throw new IllegalStateException("bundle " + bundle.getSymbolicName() + " carries no " + ROOT + " runtime");
            }
            while (entries.hasMoreElements()) {
                URL url = entries.nextElement();
                String path = url.getPath();
                int at = path.indexOf(ROOT);
                String rel = path.substring(at + ROOT.length());
                if (rel.isEmpty() || rel.endsWith("/") || rel.contains("__pycache__")) {
                    continue;
                }
                Path file = target.resolve(rel).normalize();
                if (!file.startsWith(target)) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = url.openStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(marker, "ok");
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Python worker runtime into " + target, e);
        }
    }
}
