package dev.pooler.core.impl.routing;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which capability (command family) a command needs: {@code embed} is {@code embedding},
 * {@code complete} is {@code generation}, {@code echo} is {@code general}. A command not in the
 * table is looked up by its first word ({@code embed_batch} as {@code embed}), and failing that is
 * its own capability, so a pool that lists a custom command by name serves it. Pure and cached;
 * the pool registry may use it too.
 */
public final class CapabilityTable {

    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("embed", "embedding"), Map.entry("embedding", "embedding"), Map.entry("embeddings", "embedding"),
            Map.entry("similarity", "similarity"), Map.entry("similar", "similarity"),
            Map.entry("cluster", "clustering"), Map.entry("clustering", "clustering"),
            Map.entry("classify", "classification"), Map.entry("classification", "classification"),
            Map.entry("generate", "generation"), Map.entry("generation", "generation"),
            Map.entry("complete", "generation"), Map.entry("completion", "generation"),
            Map.entry("reason", "reasoning"), Map.entry("reasoning", "reasoning"),
            Map.entry("echo", "general"), Map.entry("sleep", "general"), Map.entry("cpu", "general"),
            Map.entry("create_program", "general"), Map.entry("execute_program", "general"));

    private static final Set<String> KNOWN_FAMILIES = Set.copyOf(FAMILIES.values());

    /** Commands are caller-chosen: remember at most this many. */
    static final int MAX_CACHED = 4096;

    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private CapabilityTable() {
    }

    /** The capability a command belongs to. */
    public static String capabilityOf(String command) {
        if (command == null || command.isEmpty()) {
            return "general";
        }
        String cached = CACHE.get(command);
        if (cached != null) {
            return cached;
        }
        String capability = lookup(command);
        if (CACHE.size() < MAX_CACHED) {
            CACHE.put(command, capability);
        }
        return capability;
    }

    /** The capability a request needs: the one its caller stated, else its command's. */
    public static String capabilityOf(Request request) {
        String stated = request.capability();
        if (stated != null && !stated.isBlank()) {
            return stated.startsWith(":") ? stated.substring(1).trim().toLowerCase(Locale.ROOT)
                    : stated.trim().toLowerCase(Locale.ROOT);
        }
        return capabilityOf(request.command());
    }

    /**
     * The capability as a metrics label: a family of this table, or one a pool names in its
     * capabilities; anything else is {@code other}. Callers choose commands and capabilities freely,
     * a label must stay bounded.
     */
    public static String metricsFamily(String capability, Set<String> declared) {
        if (capability != null && (KNOWN_FAMILIES.contains(capability)
                || (declared.contains(capability) && !PoolConfig.ALL.equals(capability)))) {
            return capability;
        }
        return "other";
    }

    private static String lookup(String command) {
        String c = command.toLowerCase(Locale.ROOT);
        String family = FAMILIES.get(c);
        if (family != null) {
            return family;
        }
        int end = firstSeparator(c);
        if (end > 0) {
            family = FAMILIES.get(c.substring(0, end));
            if (family != null) {
                return family;
            }
        }
        return c;
    }

    private static int firstSeparator(String c) {
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '_' || ch == '.' || ch == ':' || ch == '-') {
                return i;
            }
        }
        return -1;
    }
}
