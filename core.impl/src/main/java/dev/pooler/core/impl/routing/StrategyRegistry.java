package dev.pooler.core.impl.routing;

import dev.pooler.api.routing.LoadBalancingStrategy;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Constants;

/**
 * The strategies present now, by name, and the one in use: the configured strategy while it is
 * present, else {@code round_robin}, else any present strategy (first by name), else the router's
 * built-in least-loaded choice. Binding and unbinding may happen at any moment on any thread;
 * lookups never lock. When two services claim one name, the higher {@code service.ranking} wins
 * (then the older service).
 */
final class StrategyRegistry {

    static final String FALLBACK = "round_robin";

    /** The strategy in use; {@code strategy} is null for the built-in choice. */
    record Active(String name, LoadBalancingStrategy strategy) {
    }

    /** Told when the name of the strategy in use changes. */
    @FunctionalInterface
    interface Listener {
        void changed(String previous, String next, String reason);
    }

    private record Binding(String name, LoadBalancingStrategy strategy, int ranking, long serviceId, long order) {
    }

    static final Active BUILT_IN = new Active(LeastLoaded.NAME, null);

    private final ConcurrentHashMap<String, LoadBalancingStrategy> byName = new ConcurrentHashMap<>();
    private final List<Binding> bindings = new ArrayList<>(); // guarded by this
    private final Listener listener;
    private long order;
    private volatile String configured;
    private volatile Active active = BUILT_IN;

    StrategyRegistry(String configured, Listener listener) {
        this.configured = configured;
        this.listener = listener;
    }

    /** The strategy of that name, or null. */
    LoadBalancingStrategy get(String name) {
        return name == null ? null : byName.get(name);
    }

    Active active() {
        return active;
    }

    String configured() {
        return configured;
    }

    Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(byName.keySet()));
    }

    synchronized void configure(String name) {
        if (name.equals(configured)) {
            return;
        }
        configured = name;
        recompute(byName.containsKey(name) ? "configured" : "configured strategy '" + name + "' is not installed");
    }

    synchronized void bind(LoadBalancingStrategy strategy, Map<String, ?> properties) {
        List<String> names = add(strategy, properties);
        if (names.isEmpty()) {
            return; // not named: nobody could ask for it
        }
        for (String name : names) {
            refresh(name);
        }
        recompute(reasonAfterChange("strategy bound"));
    }

    /** Adds the bindings of a strategy under its properties' names; returns the names. */
    private List<String> add(LoadBalancingStrategy strategy, Map<String, ?> properties) {
        List<String> names = names(properties.get(LoadBalancingStrategy.NAME));
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        long serviceId = properties.get(Constants.SERVICE_ID) instanceof Long id ? id : Long.MAX_VALUE;
        for (String name : names) {
            bindings.add(new Binding(name, strategy, ranking, serviceId, order++));
        }
        return names;
    }

    synchronized void unbind(LoadBalancingStrategy strategy) {
        List<String> touched = remove(strategy);
        for (String name : touched) {
            refresh(name);
        }
        if (!touched.isEmpty()) {
            recompute(reasonAfterChange("strategy '" + String.join("', '", touched) + "' left"));
        }
    }

    /** Removes every binding of a strategy; returns the names it had. */
    private List<String> remove(LoadBalancingStrategy strategy) {
        List<String> touched = new ArrayList<>();
        bindings.removeIf(b -> {
            if (b.strategy() == strategy) {
                touched.add(b.name());
                return true;
            }
            return false;
        });
        return touched;
    }

    /**
     * Service properties changed (perhaps its name, perhaps only its ranking): rebind under the new
     * ones in one step, so a strategy that keeps its name never looks absent in between (no fallback,
     * no STRATEGY_CHANGED pair for a mere property change).
     */
    synchronized void update(LoadBalancingStrategy strategy, Map<String, ?> properties) {
        List<String> touched = remove(strategy);
        for (String name : add(strategy, properties)) {
            if (!touched.contains(name)) {
                touched.add(name);
            }
        }
        for (String name : touched) {
            refresh(name);
        }
        if (!touched.isEmpty()) {
            recompute(reasonAfterChange("strategy properties changed"));
        }
    }

    private String reasonAfterChange(String what) {
        return byName.containsKey(configured) ? what + "; configured strategy present"
                : what + "; configured strategy '" + configured + "' absent, falling back";
    }

    /** Points a name at its best binding, or removes it. */
    private void refresh(String name) {
        Binding best = null;
        for (Binding b : bindings) {
            if (b.name().equals(name) && (best == null || b.ranking() > best.ranking()
                    || (b.ranking() == best.ranking() && (b.serviceId() < best.serviceId()
                    || (b.serviceId() == best.serviceId() && b.order() < best.order()))))) {
                best = b;
            }
        }
        if (best == null) {
            byName.remove(name);
        } else {
            byName.put(name, best.strategy());
        }
    }

    private void recompute(String reason) {
        Active previous = active;
        Active next = resolve();
        active = next;
        if (!previous.name().equals(next.name())) {
            listener.changed(previous.name(), next.name(), reason);
        }
    }

    private Active resolve() {
        String name = configured;
        LoadBalancingStrategy s = byName.get(name);
        if (s != null) {
            return new Active(name, s);
        }
        s = byName.get(FALLBACK);
        if (s != null) {
            return new Active(FALLBACK, s);
        }
        for (String any : new TreeSet<>(byName.keySet())) {
            s = byName.get(any);
            if (s != null) {
                return new Active(any, s);
            }
        }
        return BUILT_IN;
    }

    /** A service property holding one name or several (String, String[], or a collection). */
    static List<String> names(Object value) {
        List<String> out = new ArrayList<>(1);
        if (value instanceof String s) {
            add(out, s);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                add(out, String.valueOf(o));
            }
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                add(out, String.valueOf(Array.get(value, i)));
            }
        }
        return out;
    }

    private static void add(List<String> out, String raw) {
        String n = RouterSettings.normalizeStrategy(raw);
        if (n != null && !out.contains(n)) {
            out.add(n);
        }
    }
}
