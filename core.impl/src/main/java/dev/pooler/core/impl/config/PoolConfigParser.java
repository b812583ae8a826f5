package dev.pooler.core.impl.config;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerSpec;
import java.io.File;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the raw properties of a {@code dev.pooler.pool} configuration into a {@link PoolConfig}.
 * Reads the properties itself, rather than through the component property type, so a value of the
 * wrong type is refused with a message naming its property instead of a conversion stack trace.
 */
public final class PoolConfigParser {

    private PoolConfigParser() {
    }

    public static PoolConfig parse(Map<String, ?> props, String defaultPython) {
        return parse(props, defaultPython, null);
    }

    /**
     * As {@link #parse(Map, String)}, on a node of zone {@code nodeZone} (null: none set): a pool whose configuration
     * names no {@code geographic.zone} is in its node's zone, so the API, the metrics and the registry show the zone
     * it serves in.
     */
    public static PoolConfig parse(Map<String, ?> props, String defaultPython, String nodeZone) {
        try {
            return build(props, defaultPython, nodeZone == null || nodeZone.isBlank() ? PoolConfig.DEFAULT_ZONE : nodeZone.trim());
        } catch (InvalidConfigException e) {
            // The contracts name fields as the seed does (max_queue); a configuration names properties (max.queue).
            return throwRenamed(e);
        }
    }

    private static PoolConfig throwRenamed(InvalidConfigException e) {
        String property = switch (e.field()) {
            case "request_timeout" -> "request.timeout.ms";
            case "restart_window" -> "restart.window.s";
            case "start_timeout" -> "start.timeout.ms";
            default -> e.field().replace('_', '.');
        };
        throw property.equals(e.field()) ? e : e.renamed(property);
    }

    private static PoolConfig build(Map<String, ?> props, String defaultPython, String defaultZone) {
        PoolConfig.Builder b = PoolConfig.builder();
        String id = string(props, "pool.id", "");
        if (id.isEmpty()) {
            id = idFromFileName(props);
        }
        if (!id.isEmpty()) {
            b.poolId(id);
        }
        b.poolType(PoolType.parse("pool.type", string(props, "pool.type", PoolConfig.DEFAULT_POOL_TYPE)));
        b.size(integer(props, "size", PoolConfig.DEFAULT_SIZE));
        b.priority(Priority.parse("priority", string(props, "priority", PoolConfig.DEFAULT_PRIORITY)));
        b.sharingPolicy(SharingPolicy.parse("sharing.policy", string(props, "sharing.policy", PoolConfig.DEFAULT_SHARING_POLICY)));
        b.specialization(string(props, "specialization", ""));
        b.capabilities(list(props, "capabilities", List.of(PoolConfig.ALL)));
        b.geographicZone(string(props, "geographic.zone", defaultZone));
        b.affinityRules(pairs(props, "affinity.rules"));
        b.allowedTools(allowedTools(props));
        b.resourceLimits(new ResourceLimits(
                integer(props, "max.queue", ResourceLimits.DEFAULT_MAX_QUEUE),
                positiveMillis(props, "request.timeout.ms", ResourceLimits.DEFAULT_REQUEST_TIMEOUT_MS),
                longValue(props, "max.memory.mb", ResourceLimits.DEFAULT_MAX_MEMORY_MB),
                longValue(props, "max.requests.per.worker", ResourceLimits.DEFAULT_MAX_REQUESTS_PER_WORKER),
                integer(props, "max.restarts", ResourceLimits.DEFAULT_MAX_RESTARTS),
                Duration.ofSeconds(positive(props, "restart.window.s", ResourceLimits.DEFAULT_RESTART_WINDOW_S)),
                integer(props, "max.reply.bytes", ResourceLimits.DEFAULT_MAX_REPLY_BYTES),
                integer(props, "max.log.line.bytes", ResourceLimits.DEFAULT_MAX_LOG_LINE_BYTES)));
        b.launchMode(LaunchMode.parse("launch.mode", string(props, "launch.mode", PoolConfig.DEFAULT_LAUNCH_MODE)));
        b.pipelineDepth(integer(props, "pipeline.depth", PoolConfig.DEFAULT_PIPELINE_DEPTH));
        Map<String, String> env = pairs(props, "env");
        List<String> pythonPath = list(props, "python.path", List.of());
        if (!pythonPath.isEmpty()) {
            String joined = String.join(File.pathSeparator, pythonPath);
            env.merge("PYTHONPATH", joined, (a, c) -> c + File.pathSeparator + a);
        }
        String python = string(props, "python", "");
        b.workerSpec(new WorkerSpec(python.isEmpty() ? defaultPython : python,
                string(props, "adapter", WorkerSpec.DEFAULT_ADAPTER), env,
                positiveMillis(props, "start.timeout.ms", WorkerSpec.DEFAULT_START_TIMEOUT_MS)));
        return b.build();
    }

    /** {@code tools.allowed}: absent = every tool ({@code *}); empty or {@code none} = no tool; else the names listed. */
    static List<String> allowedTools(Map<String, ?> props) {
        List<String> names = list(props, "tools.allowed", List.of(PoolConfig.ANY_TOOL));
        if (names.size() == 1 && "none".equals(names.get(0))) {
            return List.of();
        }
        return names;
    }

    /** {@code .../dev.pooler.pool-general_pool.cfg} → {@code general_pool}. */
    static String idFromFileName(Map<String, ?> props) {
        Object f = props.get("felix.fileinstall.filename");
        if (f == null) {
            return "";
        }
        String name = f.toString();
        name = name.substring(name.lastIndexOf('/') + 1);
        int dash = name.indexOf('-');
        int dot = name.lastIndexOf('.');
        return dash >= 0 && dot > dash ? name.substring(dash + 1, dot) : "";
    }

    private static String string(Map<String, ?> props, String key, String def) {
        Object v = props.get(key);
        if (v == null) {
            return def;
        }
        if (v.getClass().isArray() || v instanceof Collection) {
            List<String> l = list(props, key, List.of());
            if (l.size() > 1) {
                throw new InvalidConfigException(key, "expected one value, got " + l);
            }
            return l.isEmpty() ? def : l.get(0);
        }
        return v.toString().trim();
    }

    private static long longValue(Map<String, ?> props, String key, long def) {
        Object v = props.get(key);
        if (v == null || (v instanceof String s && s.isBlank())) {
            return def;
        }
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                if (n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new InvalidConfigException(key, "must be a whole number, was " + n);
                }
            }
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, was '" + v + "'");
        }
    }

    private static int integer(Map<String, ?> props, String key, int def) {
        long v = longValue(props, key, def);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new InvalidConfigException(key, "is out of range: " + v);
        }
        return (int) v;
    }

    private static long positive(Map<String, ?> props, String key, long def) {
        long v = longValue(props, key, def);
        if (v <= 0) {
            throw new InvalidConfigException(key, "must be positive, was " + v);
        }
        return v;
    }

    private static Duration positiveMillis(Map<String, ?> props, String key, long def) {
        return Duration.ofMillis(positive(props, key, def));
    }

    /** A list from a String[] or collection or a comma-separated string. */
    static List<String> list(Map<String, ?> props, String key, List<String> def) {
        Object v = props.get(key);
        if (v == null) {
            return def;
        }
        List<Object> raw = new ArrayList<>();
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                raw.add(Array.get(v, i));
            }
        } else if (v instanceof Collection<?> c) {
            raw.addAll(c);
        } else {
            raw.add(v);
        }
        List<String> out = new ArrayList<>();
        for (Object o : raw) {
            if (o == null) {
                continue;
            }
            for (String part : o.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static Map<String, String> pairs(Map<String, ?> props, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : list(props, key, List.of())) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException(key, "'" + item + "' is not of the form name=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }
}
