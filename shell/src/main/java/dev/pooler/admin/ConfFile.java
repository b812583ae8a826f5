package dev.pooler.admin;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code .cfg} file a configuration came from, when FileInstall read it from a watched folder
 * (property {@code felix.fileinstall.filename}). Writing a value back there makes a change made in
 * the console last across restarts of the platform, where the file is read again.
 */
final class ConfFile {

    static final String FILENAME_PROPERTY = "felix.fileinstall.filename";

    private final Path path;

    private ConfFile(Path path) {
        this.path = path;
    }

    /** The file behind a configuration's properties, if it is a local {@code .cfg} file that exists. */
    static Optional<ConfFile> of(Object filenameProperty) {
        if (filenameProperty == null) {
            return Optional.empty();
        }
        try {
            String s = filenameProperty.toString();
            Path p = s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
            return p.toString().endsWith(".cfg") && Files.isRegularFile(p) ? Optional.of(new ConfFile(p)) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    Path path() {
        return path;
    }

    /**
     * Sets {@code key=value}: replaces the line that sets the key (comments and every other line stay
     * as they are) or appends one. The new file replaces the old in one atomic move, written from
     * outside the watched folder, so the watcher never reads a half-written file.
     */
    void set(String key, String value) throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>(lines.size() + 1);
        boolean done = false;
        for (String line : lines) {
            if (!done && setsKey(line, key)) {
                out.add(key + "=" + value);
                done = true;
            } else {
                out.add(line);
            }
        }
        if (!done) {
            out.add(key + "=" + value);
        }
        Path dir = path.toAbsolutePath().getParent();
        Path tmpDir = dir.getParent() == null ? dir : dir.getParent();
        Path tmp = Files.createTempFile(tmpDir, ".pooler-", ".cfg.tmp");
        try {
            Files.write(tmp, out, StandardCharsets.ISO_8859_1);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean setsKey(String line, String key) {
        String t = line.stripLeading();
        if (!t.startsWith(key)) {
            return false;
        }
        String rest = t.substring(key.length()).stripLeading();
        return rest.startsWith("=") || rest.startsWith(":");
    }
}
