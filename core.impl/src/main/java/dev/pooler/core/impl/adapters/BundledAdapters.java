package dev.pooler.core.impl.adapters;

import com.google.gson.JsonObject;
import dev.pooler.api.WorkerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapters bundles delivered, by name, shared by the extender (which writes) and the pools (which
 * read when they launch or re-target a worker). A pool's {@code adapter} setting lists names; the ones
 * found here are bundled, the others are built-in or on the pool's {@code python.path}.
 */
public final class BundledAdapters {

    /** The environment variable that tells a worker where its bundled adapters are. */
    public static final String ENV = "POOLER_ADAPTERS";

    private final Map<String, BundledAdapter> byName = new ConcurrentHashMap<>();

    public Optional<BundledAdapter> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<BundledAdapter> all() {
        return List.copyOf(byName.values());
    }

    void put(BundledAdapter a) {
        byName.put(a.name(), a);
    }

    /** The first adapter of {@code adapterList} that a bundle delivered and that is missing now, or null. */
    public BundledAdapter missingIn(String adapterList) {
        for (String name : names(adapterList)) {
            BundledAdapter a = byName.get(name);
            if (a != null && !a.active()) {
                return a;
            }
        }
        return null;
    }

    /** Whether {@code adapterList} names {@code name}. */
    public static boolean names(String adapterList, String name) {
        return names(adapterList).contains(name);
    }

    /** The table a worker serving {@code adapterList} needs ({@code {"name":{"module","path","version"}}}), or null. */
    public JsonObject tableFor(String adapterList) {
        JsonObject table = null;
        for (String name : names(adapterList)) {
            BundledAdapter a = byName.get(name);
            if (a != null && a.active()) {
                JsonObject e = new JsonObject();
                e.addProperty("module", a.module());
                e.addProperty("path", a.folder().toString());
                e.addProperty("version", a.version());
                if (table == null) {
                    table = new JsonObject();
                }
                table.add(name, e);
            }
        }
        return table;
    }

    /** {@code spec} with the environment its workers need to load its bundled adapters (the spec itself when none). */
    public WorkerSpec launchSpec(WorkerSpec spec) {
        JsonObject table = tableFor(spec.adapter());
        if (table == null) {
            return spec;
        }
        Map<String, String> env = new HashMap<>(spec.env());
        env.put(ENV, table.toString());
        return new WorkerSpec(spec.python(), spec.adapter(), env, spec.startTimeout());
    }

    /** The versions of the bundled adapters a pool with {@code adapterList} runs, e.g. {@code sentiment 1.2.0}. */
    public String versionsOf(String adapterList) {
        List<String> out = new ArrayList<>();
        for (String name : names(adapterList)) {
            BundledAdapter a = byName.get(name);
            if (a != null) {
                out.add(name + " " + a.version() + (a.active() ? "" : " (missing)"));
            }
        }
        return String.join(", ", out);
    }

    static List<String> names(String adapterList) {
        return adapterList == null ? List.of() : Arrays.stream(adapterList.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }
}
