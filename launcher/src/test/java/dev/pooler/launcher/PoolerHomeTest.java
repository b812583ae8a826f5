package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolerHomeTest {

    /** The build's output folder holds defaults/ exactly as pooler.jar does. */
    private final LauncherJar classes = new LauncherJar(Path.of("target", "classes").toAbsolutePath());

    @TempDir
    Path root;

    @Test
    void createsFoldersAndSeedsTheDefaults() throws Exception {
        List<Path> written = new PoolerHome(root).prepare(classes);
        assertTrue(Files.isDirectory(root.resolve("cache")));
        assertEquals(List.of(
                root.resolve("conf/dev.pooler.affinity.cfg"),
                root.resolve("conf/dev.pooler.loadbalancing.cfg"),
                root.resolve("conf/dev.pooler.pool-embedding_pool.cfg"),
                root.resolve("conf/dev.pooler.pool-general_pool.cfg"),
                root.resolve("conf/dev.pooler.pool-generation_pool.cfg"),
                root.resolve("conf/dev.pooler.sharing.cfg"),
                root.resolve("deploy/README.txt")), written);

        Properties general = new Properties();
        try (var in = Files.newBufferedReader(root.resolve("conf/dev.pooler.pool-general_pool.cfg"))) {
            general.load(in);
        }
        assertEquals("general_pool", general.getProperty("pool.id"));
        assertEquals("8", general.getProperty("size"));
        assertEquals("bench,text", general.getProperty("adapter"));
        assertTrue(Files.readString(root.resolve("conf/dev.pooler.loadbalancing.cfg")).startsWith("#"));
    }

    @Test
    void aHomeServesOneLauncherAtATime() throws Exception {
        PoolerHome home = new PoolerHome(root);
        try (FileLock held = home.lock()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, home::lock);
            assertTrue(e.getMessage().contains("another Pooler launcher uses " + root), e.getMessage());
            assertTrue(e.getMessage().contains(Long.toString(ProcessHandle.current().pid())), e.getMessage());
        }
        home.lock().release();
    }

    @Test
    void neverReplacesAUsersFile() throws Exception {
        Path general = root.resolve("conf/dev.pooler.pool-general_pool.cfg");
        Files.createDirectories(general.getParent());
        Files.writeString(general, "pool.id=general_pool\nsize=2\n");

        List<Path> written = new PoolerHome(root).prepare(classes);

        assertEquals("pool.id=general_pool\nsize=2\n", Files.readString(general));
        assertEquals(List.of(root.resolve("deploy/README.txt")), written, "an existing conf/ is the user's: no pools added");
        assertTrue(new PoolerHome(root).prepare(classes).isEmpty(), "a second start writes nothing");
    }

    @Test
    void aDeletedDefaultPoolStaysDeleted() throws Exception {
        new PoolerHome(root).prepare(classes);
        Path generation = root.resolve("conf/dev.pooler.pool-generation_pool.cfg");
        Files.delete(generation);

        new PoolerHome(root).prepare(classes);

        assertTrue(!Files.exists(generation), "the next start does not bring it back");
    }
}
