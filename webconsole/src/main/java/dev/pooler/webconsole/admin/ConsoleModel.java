package dev.pooler.webconsole.admin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.pooler.admin.PoolHealth;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolStats;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON the "Pools" page refreshes itself from: pools, workers, strategies, recent routing decisions,
 * the utilization history and the sections plug-ins contribute. Every value is data: the page puts it
 * into the DOM as text.
 */
public final class ConsoleModel {

    /** Routing decisions shown. */
    static final int DECISIONS = 25;
    private static final System.Logger LOG = System.getLogger(ConsoleModel.class.getName());

    private ConsoleModel() {
    }

    public static JsonObject build(PoolerAdmin admin, UtilizationHistory history, long nowMillis) {
        JsonObject root = new JsonObject();
        root.addProperty("generatedAt", nowMillis);
        JsonObject present = new JsonObject();
        present.addProperty("registry", admin.registry().isPresent());
        present.addProperty("router", admin.router().isPresent());
        present.addProperty("metrics", admin.metrics().isPresent());
        present.addProperty("sharing", !admin.sections(AdminSection.SHARING).isEmpty());
        present.addProperty("affinity", !admin.sections(AdminSection.AFFINITY).isEmpty());
        root.add("present", present);

        List<Pool> pools = admin.pools();
        JsonArray poolsJson = new JsonArray();
        JsonArray workersJson = new JsonArray();
        for (Pool p : pools) {
            try {
                poolsJson.add(pool(p));
                for (WorkerInfo w : p.workers()) {
                    workersJson.add(worker(p.id(), w));
                }
            } catch (RuntimeException e) {
                // A pool stopping while we read it: leave it out of this refresh.
                LOG.log(System.Logger.Level.DEBUG, "pool {0} skipped: {1}", p.id(), e.toString());
            }
        }
        root.add("pools", poolsJson);
        root.add("workers", workersJson);
        root.add("strategy", strategy(admin));
        root.add("decisions", decisions(admin.router()));
        root.add("history", history(history));
        root.add("sections", sections(admin.sections()));
        return root;
    }

    public static JsonObject pool(Pool p) {
        PoolConfig c = p.config();
        PoolStats s = p.stats();
        JsonObject o = new JsonObject();
        o.addProperty("id", p.id());
        o.addProperty("type", lower(c.poolType()));
        o.addProperty("state", s.state().name());
        o.addProperty("priority", lower(c.priority()));
        o.addProperty("sharingPolicy", lower(c.sharingPolicy()));
        o.add("specialization", text(c.specialization()));
        o.addProperty("zone", c.geographicZone());
        // DESIGN §10: another node's pool, imported through Remote Services; null = this node's own.
        o.add("node", p.remoteNode().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        o.addProperty("remote", p.remoteNode().isPresent());
        o.add("capabilities", strings(c.capabilities().stream().sorted().toList()));
        o.add("toolsAllowed", strings(c.allowedTools().stream().sorted().toList()));
        o.addProperty("size", c.size());
        o.addProperty("pipelineDepth", c.pipelineDepth());
        o.addProperty("workers", s.workers());
        o.addProperty("busy", s.busy());
        o.addProperty("idle", s.idle());
        o.addProperty("queued", s.queued());
        o.addProperty("utilization", finite(s.utilization()));
        o.addProperty("lent", s.lent());
        o.addProperty("borrowed", s.borrowed());
        o.addProperty("completed", s.completed());
        o.addProperty("failed", s.failed());
        o.addProperty("timeouts", s.timeouts());
        o.addProperty("crashes", s.crashes());
        o.addProperty("cancelled", s.cancelled());
        o.addProperty("restarts", s.restarts());
        o.addProperty("p50Ms", finite(s.p50LatencyMs()));
        o.addProperty("p99Ms", finite(s.p99LatencyMs()));
        o.addProperty("meanMs", finite(s.meanLatencyMs()));
        PoolHealth h = PoolHealth.of(s, c.size());
        JsonObject health = new JsonObject();
        health.addProperty("status", h.status());
        health.addProperty("detail", h.detail());
        health.addProperty("successRate", finite(h.successRate()));
        o.add("health", health);
        return o;
    }

    static JsonObject worker(String poolId, WorkerInfo w) {
        JsonObject o = new JsonObject();
        o.addProperty("id", w.workerId());
        o.addProperty("pool", poolId);
        o.addProperty("pid", w.pid());
        o.addProperty("state", w.state().name());
        o.addProperty("served", w.requestsServed());
        o.addProperty("rssKb", w.rssKb());
        o.addProperty("cpu", w.cpuLoad());
        o.addProperty("owner", w.ownerPool());
        o.add("lentTo", w.lent() ? new JsonPrimitive(w.servingPool()) : JsonNull.INSTANCE);
        o.addProperty("startedAt", w.startedAtMillis());
        return o;
    }

    static JsonObject strategy(PoolerAdmin admin) {
        JsonObject o = new JsonObject();
        Optional<RequestRouter> router = admin.router();
        o.addProperty("routerPresent", router.isPresent());
        o.add("active", text(router.map(RequestRouter::activeStrategy).orElse(null)));
        o.add("configured", text(router.map(RequestRouter::configuredStrategy).orElse(null)));
        o.add("stored", text(admin.storedStrategy()));
        o.add("available", strings(admin.strategies()));
        return o;
    }

    static JsonArray decisions(Optional<RequestRouter> router) {
        JsonArray out = new JsonArray();
        if (router.isEmpty()) {
            return out;
        }
        List<RoutingDecision> recent;
        try {
            recent = router.get().recentDecisions(DECISIONS);
        } catch (RuntimeException e) {
            return out;
        }
        for (RoutingDecision d : recent) {
            JsonObject o = new JsonObject();
            o.addProperty("t", d.timestampMillis());
            o.add("command", text(d.command()));
            o.add("capability", text(d.capability()));
            o.add("strategy", text(d.strategy()));
            o.add("pool", text(d.poolId()));
            o.addProperty("candidates", d.candidates());
            o.addProperty("decisionMicros", finite(d.decisionNanos() / 1000.0));
            o.add("outcome", text(d.outcome()));
            out.add(o);
        }
        return out;
    }

    static JsonObject history(UtilizationHistory history) {
        JsonObject o = new JsonObject();
        o.addProperty("intervalMs", history.intervalMillis());
        o.addProperty("capacity", history.capacity());
        JsonArray samples = new JsonArray();
        for (UtilizationHistory.Sample s : history.samples()) {
            JsonObject sample = new JsonObject();
            sample.addProperty("t", s.timestampMillis());
            JsonObject u = new JsonObject();
            s.utilization().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> u.addProperty(e.getKey(), finite(e.getValue())));
            sample.add("u", u);
            samples.add(sample);
        }
        o.add("samples", samples);
        return o;
    }

    static JsonArray sections(List<PoolerAdmin.SectionRef> sections) {
        JsonArray out = new JsonArray();
        for (PoolerAdmin.SectionRef ref : sections) {
            try {
                AdminSection s = ref.section();
                JsonObject o = new JsonObject();
                o.addProperty("name", ref.name());
                o.add("title", text(s.title()));
                JsonArray tables = new JsonArray();
                for (AdminTable t : s.tables()) {
                    JsonObject table = new JsonObject();
                    table.add("name", text(t.name()));
                    table.add("title", text(t.title()));
                    table.add("columns", strings(t.columns()));
                    JsonArray rows = new JsonArray();
                    for (List<String> row : t.rows()) {
                        rows.add(strings(row));
                    }
                    table.add("rows", rows);
                    tables.add(table);
                }
                o.add("tables", tables);
                JsonArray actions = new JsonArray();
                for (AdminAction a : s.actions()) {
                    JsonObject action = new JsonObject();
                    action.add("name", text(a.name()));
                    action.add("label", text(a.label()));
                    action.add("parameters", strings(a.parameters()));
                    actions.add(action);
                }
                o.add("actions", actions);
                out.add(o);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "admin section {0} failed: {1}", ref.name(), e.toString());
            }
        }
        return out;
    }

    private static JsonElement text(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonPrimitive(s);
    }

    private static JsonArray strings(Collection<String> values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v == null ? JsonNull.INSTANCE : new JsonPrimitive(v));
        }
        return a;
    }

    /** JSON has no NaN nor infinity: an unknown figure reads as 0. */
    static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
