package dev.pooler.examples.tool.kv;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.tools.PoolerTool;
import dev.pooler.api.tools.PoolerToolName;
import dev.pooler.api.tools.ToolContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code kv} tool: {@code {"key": k}} -> {@code {"key": k, "found": bool, "value": v or null}}.
 * The table is fixed for the component's life; a configuration change makes a new component.
 */
@Component(configurationPid = KvConfiguration.PID)
@Designate(ocd = KvConfiguration.class)
@PoolerToolName(tool = "kv")
public class KvTool implements PoolerTool {

    private final Map<String, String> table;

    @Activate
    public KvTool(KvConfiguration config) {
        this(parse(config.entries()));
    }

    KvTool(Map<String, String> table) {
        this.table = Map.copyOf(table);
    }

    @Override
    public CompletionStage<JsonElement> call(JsonElement args, ToolContext context) {
        JsonElement key = args != null && args.isJsonObject() ? args.getAsJsonObject().get("key") : null;
        if (key == null || !key.isJsonPrimitive() || !key.getAsJsonPrimitive().isString()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("argument 'key' must be a string, got "
                    + (key == null ? "nothing" : key.toString())));
        }
        String k = key.getAsString();
        String value = table.get(k);
        JsonObject answer = new JsonObject();
        answer.addProperty("key", k);
        answer.addProperty("found", value != null);
        answer.addProperty("value", value);
        return CompletableFuture.completedFuture(answer);
    }

    /** {@code key=value} pairs; a pair without '=' is refused, naming it. */
    static Map<String, String> parse(String[] entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("entries: '" + e + "' is not key=value");
            }
            out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
        }
        return out;
    }
}
