package dev.pooler.affinity.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.routing.AffinityStrength;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The session → pool table on disk, so that a restart of the bundle restores it: a JSON array in the bundle's
 * data area ({@code BundleContext.getDataFile("mappings.json")}), written whole when the service stops (through
 * a temporary file, then renamed) and read when it starts. A file that cannot be read is logged and ignored:
 * sessions are then placed afresh, their data is in core's store either way.
 */
final class MappingFile {

    private static final System.Logger LOG = System.getLogger(MappingFile.class.getName());
    static final String NAME = "mappings.json";

    private final Path file;

    /** @param file where the table lives, or null when the framework gives no data area (nothing is kept) */
    MappingFile(Path file) {
        this.file = file;
    }

    List<SessionMapping> read() {
        List<SessionMapping> out = new ArrayList<>();
        if (file == null || !Files.isRegularFile(file)) {
            return out;
        }
        try {
            JsonArray all = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
            for (JsonElement e : all) {
                JsonObject o = e.getAsJsonObject();
                out.add(new SessionMapping(o.get("session").getAsString(), o.get("pool").getAsString(),
                        AffinityStrength.valueOf(o.get("strength").getAsString()), o.get("established").getAsLong(),
                        o.get("requests").getAsLong(), o.get("last_access").getAsLong()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the saved session mappings in " + file + " cannot be read (" + e
                    + "); sessions are placed afresh");
            out.clear();
        }
        return out;
    }

    void write(List<SessionMapping> mappings) {
        if (file == null) {
            return;
        }
        JsonArray all = new JsonArray();
        for (SessionMapping m : mappings) {
            JsonObject o = new JsonObject();
            o.addProperty("session", m.sessionId());
            o.addProperty("pool", m.poolId());
            o.addProperty("strength", m.strength().name());
            o.addProperty("established", m.establishedMillis());
            o.addProperty("requests", m.requestCount());
            o.addProperty("last_access", m.lastAccessMillis());
            all.add(o);
        }
        try {
            Path tmp = file.resolveSibling(NAME + ".tmp");
            Files.writeString(tmp, all.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the session mappings cannot be saved to " + file + " (" + e
                    + "); after a restart sessions are placed afresh");
        }
    }
}
