package dev.pooler.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfFileTest {

    @TempDir
    Path home;

    @Test
    void replacesOnlyTheKeysLineAndLeavesNoTempFileBehind() throws Exception {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Path cfg = conf.resolve("dev.pooler.loadbalancing.cfg");
        Files.write(cfg, List.of("# load balancing", "strategy=ml_optimized", "rebalance.interval=30000", "strategyish=x"));

        ConfFile f = ConfFile.of(cfg.toUri().toString()).orElseThrow();
        f.set("strategy", "p2c");

        assertEquals(List.of("# load balancing", "strategy=p2c", "rebalance.interval=30000", "strategyish=x"),
                Files.readAllLines(cfg));
        try (var files = Files.list(conf)) {
            assertEquals(List.of(cfg), files.toList(), "nothing else appeared in the watched folder");
        }
        try (var files = Files.list(home)) {
            assertEquals(List.of(conf), files.toList(), "the temporary file is gone");
        }
    }

    @Test
    void appendsAKeyTheFileLacks() throws Exception {
        Path cfg = home.resolve("x.cfg");
        Files.write(cfg, List.of("rebalance.interval = 30000"));
        ConfFile.of(cfg.toString()).orElseThrow().set("strategy", "round_robin");
        assertEquals(List.of("rebalance.interval = 30000", "strategy=round_robin"), Files.readAllLines(cfg));
    }

    @Test
    void onlyExistingLocalCfgFilesAreWritten() {
        assertTrue(ConfFile.of(null).isEmpty());
        assertTrue(ConfFile.of(home.resolve("missing.cfg").toUri().toString()).isEmpty());
        assertTrue(ConfFile.of("http://example.invalid/x.cfg").isEmpty());
        assertTrue(ConfFile.of(home.toString()).isEmpty());
    }
}
