package dev.pooler.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.routing.AffinityStrength;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingFileTest {

    @TempDir
    Path dir;

    @Test
    void theTableSurvivesAWriteAndARead() {
        MappingFile f = new MappingFile(dir.resolve(MappingFile.NAME));
        assertEquals(List.of(), f.read(), "nothing saved yet");
        List<SessionMapping> table = List.of(new SessionMapping("s\"1", "left", AffinityStrength.PINNED, 10, 3, 20),
                new SessionMapping("s2", "right", AffinityStrength.WEAK, 11, 0, 21));
        f.write(table);
        assertEquals(table, new MappingFile(dir.resolve(MappingFile.NAME)).read());
        assertTrue(Files.notExists(dir.resolve(MappingFile.NAME + ".tmp")));
    }

    @Test
    void aDamagedFileIsIgnored() throws Exception {
        Files.writeString(dir.resolve(MappingFile.NAME), "[{\"session\":\"s\",\"pool\":");
        assertEquals(List.of(), new MappingFile(dir.resolve(MappingFile.NAME)).read());
        Files.writeString(dir.resolve(MappingFile.NAME), "[{\"session\":\"s\",\"pool\":\"p\",\"strength\":\"ODD\"}]");
        assertEquals(List.of(), new MappingFile(dir.resolve(MappingFile.NAME)).read());
    }

    @Test
    void withoutADataAreaNothingIsKept() {
        MappingFile f = new MappingFile(null);
        f.write(List.of(new SessionMapping("s", "p", AffinityStrength.NORMAL, 1, 1, 1)));
        assertEquals(List.of(), f.read());
    }
}
