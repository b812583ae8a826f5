package dev.pooler.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder the platform lives in: {@code conf/} (configurations watched by FileInstall),
 * {@code deploy/} (bundle jars watched by FileInstall), {@code cache/} (the framework's storage),
 * {@code console.password} and {@code pooler.lock}.
 * Missing folders are created; the default configurations are written only into a new {@code conf/},
 * and a default file only where no file of that name exists,
 * so a user's file is never replaced.
 */
final class PoolerHome {

    /** Defaults carried in the jar: {@code defaults/conf/*} and {@code defaults/deploy/*}. */
    static final String DEFAULTS = "defaults/";
    static final String LOCK_FILE = "pooler.lock";

    final Path root;
    final Path conf;
    final Path deploy;
    final Path cache;

    PoolerHome(Path root) {
        this.root = root;
        this.conf = root.resolve("conf");
        this.deploy = root.resolve("deploy");
        this.cache = root.resolve("cache");
    }

    /**
     * Takes {@code <home>/pooler.lock} for the life of this JVM. Two launchers on one home would
     * run every pool twice and wipe each other's framework cache (Felix ignores a lock it could
     * not get), so the second one must refuse to start.
     *
     * @throws IllegalStateException naming the running launcher's process when the home is in use
     */
    FileLock lock() throws IOException {
        Files.createDirectories(root);
        Path file = root.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            throw new IllegalStateException("another Pooler launcher uses " + root
                    + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + "; stop it or set POOLER_HOME to another folder");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        return lock;
    }

    /**
     * Creates the folders and seeds the missing default files.
     *
     * @return the files that were written
     */
    List<Path> prepare(LauncherJar jar) throws IOException {
        // The default pools go into a new conf/ only: a file the user deleted stays deleted.
        boolean freshConf = !Files.exists(conf);
        Files.createDirectories(conf);
        Files.createDirectories(deploy);
        Files.createDirectories(cache);
        List<Path> written = new ArrayList<>();
        for (String entry : jar.list(DEFAULTS)) {
            String relative = entry.substring(DEFAULTS.length());
            if (relative.isEmpty() || relative.endsWith("/")) {
                continue;
            }
            Path target = root.resolve(relative).normalize();
            if (!target.startsWith(root) || (target.startsWith(conf) && !freshConf)) {
                continue;
            }
            if (seed(jar, entry, target)) {
                written.add(target);
            }
        }
        return written;
    }

    private static boolean seed(LauncherJar jar, String entry, Path target) throws IOException {
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = jar.open(entry)) {
            // Files.copy without REPLACE_EXISTING creates the file exclusively: it never replaces one.
            Files.copy(in, target);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
    }
}
