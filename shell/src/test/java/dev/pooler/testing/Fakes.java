package dev.pooler.testing;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Plain test doubles of the Pooler services. */
public final class Fakes {

    private Fakes() {
    }

    public static PoolStats stats(String id, int workers, int busy, int queued, long completed, long failed) {
        return new PoolStats(id, PoolState.RUNNING, workers, busy, workers - busy, queued, 0, 0, completed, failed,
                0, 0, 0, 12.5, 10.0, 40.0, 8.0);
    }

    public static Pool pool(String id, PoolType type, int size, String specialization, PoolStats stats,
                            Function<Request, CompletionStage<Response>> behaviour) {
        PoolConfig config = PoolConfig.builder().poolId(id).poolType(type).size(size).specialization(specialization).build();
        List<WorkerInfo> workers = new ArrayList<>();
        for (int i = 1; i <= stats.workers(); i++) {
            workers.add(new WorkerInfo(id + "-w" + i, 1000 + i, WorkerState.IDLE, i, 20480, id, id, 0));
        }
        return new Pool() {
            @Override public String id() { return id; }
            @Override public dev.pooler.api.ResponseStream stream(dev.pooler.api.Request r) { throw new UnsupportedOperationException(); }
            @Override public boolean cancel(long requestId) { return false; }
            @Override public PoolConfig config() { return config; }
            @Override public PoolState state() { return stats.state(); }
            @Override public CompletionStage<Response> execute(Request request) { return behaviour.apply(request); }
            @Override public PoolStats stats() { return stats; }
            @Override public List<WorkerInfo> workers() { return workers; }
        };
    }

    public static Pool pool(String id, PoolType type, int size, String specialization, PoolStats stats) {
        return pool(id, type, size, specialization, stats,
                r -> CompletableFuture.completedFuture(new Response(id, id + "-w1", r.args(), 1000, 2000)));
    }

    public static PoolRegistry registry(List<Pool> pools, boolean rebalances) {
        return new PoolRegistry() {
            @Override public List<Pool> pools() { return pools; }
            @Override public Optional<Pool> pool(String poolId) { return pools.stream().filter(p -> p.id().equals(poolId)).findFirst(); }
            @Override public List<Pool> poolsByType(PoolType type) { return pools.stream().filter(p -> p.config().poolType() == type).toList(); }
            @Override public Optional<Pool> optimalPool(String requestType, Map<String, ?> requirements) { return pools.stream().findFirst(); }
            @Override public Pool registerPool(PoolConfig config) { throw new UnsupportedOperationException(); }
            @Override public boolean unregisterPool(String poolId) { return false; }
            @Override public Pool defaultPool() { return pools.get(0); }
            @Override public boolean rebalanceWorkers() { return rebalances; }
        };
    }

    /** A router that answers every request from the first pool and reports the given decisions. */
    public static final class Router implements RequestRouter {
        @Override
        public dev.pooler.api.ResponseStream stream(Request request) {
            throw new UnsupportedOperationException("the fake router does not stream");
        }

        @Override
        public boolean cancel(long requestId) {
            return false;
        }

        public volatile String active = "round_robin";
        public final Set<String> available;
        public final List<RoutingDecision> decisions;
        public final List<Request> routed = new ArrayList<>();
        private final Function<Request, CompletionStage<Response>> behaviour;

        public Router(Set<String> available, List<RoutingDecision> decisions, Function<Request, CompletionStage<Response>> behaviour) {
            this.available = available;
            this.decisions = decisions;
            this.behaviour = behaviour;
        }

        @Override public CompletionStage<Response> route(Request request) { routed.add(request); return behaviour.apply(request); }
        @Override public String activeStrategy() { return active; }
        @Override public String configuredStrategy() { return active; }
        @Override public dev.pooler.api.routing.LoadBalancingSettings loadBalancing() {
            return new dev.pooler.api.routing.LoadBalancingSettings(active, 30_000, true, 0.7);
        }
        @Override public Set<String> availableStrategies() { return available; }
        @Override public String capabilityOf(String command) { return command; }
        @Override public List<RoutingDecision> recentDecisions(int max) { return decisions.stream().limit(max).toList(); }
    }

    /** An in-memory ConfigurationAdmin holding one configuration per PID: enough for the strategy switch. */
    public static final class ConfigStore {
        public final Map<String, Dictionary<String, Object>> byPid = new java.util.concurrent.ConcurrentHashMap<>();
        public int updates;

        public ConfigurationAdmin admin() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getConfiguration" -> configuration((String) args[0]);
                        case "listConfigurations" -> {
                            String filter = (String) args[0];
                            yield byPid.keySet().stream().filter(pid -> filter.contains("=" + pid + ")"))
                                    .map(this::configuration).toArray(Configuration[]::new);
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private Configuration configuration(String pid) {
            return (Configuration) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {Configuration.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getPid" -> pid;
                        case "getProperties" -> {
                            Dictionary<String, Object> d = byPid.get(pid);
                            yield d == null ? null : copy(d);
                        }
                        case "update" -> {
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                            byPid.put(pid, copy(d));
                            updates++;
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
            Hashtable<String, Object> h = new Hashtable<>();
            for (var keys = d.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                h.put(k, d.get(k));
            }
            return h;
        }
    }
}
