package dev.pooler.core.impl.adapters;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;

/**
 * Copies an adapter's Python package out of its bundle into a folder of its own: the module's top-level
 * package folder (or single {@code .py} file) found under the clause's {@code path}.
 */
final class AdapterUnpacker {

    private AdapterUnpacker() {
    }

    /** Unpacks {@code clause}'s package from {@code bundle} into {@code target} (emptied first); returns the files written. */
    static int unpack(Bundle bundle, AdapterHeader.Clause clause, Path target) throws IOException {
        deleteTree(target);
        Files.createDirectories(target);
        String base = clause.path().isEmpty() ? "/" : "/" + clause.path() + "/";
        String top = clause.topPackage();
        List<URL> entries = new ArrayList<>();
        Enumeration<URL> inPackage = bundle.findEntries(base + top, "*", true);
        if (inPackage != null) {
            entries.addAll(java.util.Collections.list(inPackage));
        }
        Enumeration<URL> single = bundle.findEntries(base, top + ".py", false);
        if (single != null) {
            entries.addAll(java.util.Collections.list(single));
        }
        int files = 0;
        for (URL url : entries) {
            String entry = url.getPath();
            if (entry.endsWith("/")) {
                continue;
            }
            String relative = entry.substring(entry.indexOf(base) + base.length());
            Path file = target.resolve(relative).normalize();
            if (!file.startsWith(target)) {
                throw new IOException("entry " + entry + " would land outside " + target);
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = url.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            files++;
        }
        if (files == 0) {
            throw new IOException("the bundle holds no Python package '" + top + "' (nor " + top + ".py) under "
                    + (clause.path().isEmpty() ? "its root" : "path '" + clause.path() + "'"));
        }
        return files;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
