package dev.pooler.webconsole.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.pooler.admin.PoolHealth;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolType;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.webconsole.http.JsonReplies;
import dev.pooler.testing.Fakes;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleModelTest {

    static final String MARKUP = "<img src=x onerror=alert(1)>";

    @Test
    void describesPoolsWorkersStrategiesAndDecisions() {
        UtilizationSampler sampler = new UtilizationSampler();
        Fakes.ConfigStore config = new Fakes.ConfigStore();
        Hashtable<String, Object> lb = new Hashtable<>();
        lb.put("strategy", "p2c");
        config.byPid.put(PoolerAdmin.LOADBALANCING_PID, lb);
        var general = Fakes.pool("general_pool", PoolType.GENERAL, 8, null, Fakes.stats("general_pool", 8, 4, 2, 90, 10));
        var markup = Fakes.pool("markup_pool", PoolType.SPECIALIZED, 1, MARKUP, Fakes.stats("markup_pool", 1, 0, 0, 0, 0));
        var router = new Fakes.Router(Set.of("p2c", "round_robin"), List.of(
                new RoutingDecision(1_000L, "embed", "embedding", "p2c", "general_pool", 2, 3_500, "ok")), r -> null);
        PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(general, markup), false), router, config.admin(), null);
        sampler.history().add(new UtilizationHistory.Sample(5L, Map.of("general_pool", 0.5), Map.of("general_pool", 2)));

        JsonObject m = ConsoleModel.build(admin, sampler.history(), 99L);

        assertEquals(99L, m.get("generatedAt").getAsLong());
        assertTrue(m.getAsJsonObject("present").get("router").getAsBoolean());
        assertFalse(m.getAsJsonObject("present").get("sharing").getAsBoolean());
        JsonArray pools = m.getAsJsonArray("pools");
        assertEquals(2, pools.size());
        JsonObject g = pools.get(0).getAsJsonObject();
        assertEquals("general_pool", g.get("id").getAsString());
        assertEquals("general", g.get("type").getAsString());
        assertEquals(8, g.get("size").getAsInt());
        assertEquals(1, g.get("pipelineDepth").getAsInt(), "the default: one request per worker at a time");
        assertEquals(4, g.get("busy").getAsInt());
        assertEquals(2, g.get("queued").getAsInt());
        assertEquals(0.5, g.get("utilization").getAsDouble());
        assertEquals("healthy", g.getAsJsonObject("health").get("status").getAsString());
        assertTrue(g.get("specialization").isJsonNull());
        assertEquals(MARKUP, pools.get(1).getAsJsonObject().get("specialization").getAsString(), "data stays data");

        assertEquals(9, m.getAsJsonArray("workers").size());
        JsonObject w = m.getAsJsonArray("workers").get(0).getAsJsonObject();
        assertEquals("general_pool-w1", w.get("id").getAsString());
        assertEquals(1001, w.get("pid").getAsLong());
        assertTrue(w.get("lentTo").isJsonNull());

        JsonObject strategy = m.getAsJsonObject("strategy");
        assertEquals("round_robin", strategy.get("active").getAsString());
        assertEquals("p2c", strategy.get("stored").getAsString());
        assertEquals(2, strategy.getAsJsonArray("available").size());

        JsonObject d = m.getAsJsonArray("decisions").get(0).getAsJsonObject();
        assertEquals("embed", d.get("command").getAsString());
        assertEquals(3.5, d.get("decisionMicros").getAsDouble());

        JsonObject history = m.getAsJsonObject("history");
        assertEquals(2000, history.get("intervalMs").getAsLong());
        assertEquals(0.5, history.getAsJsonArray("samples").get(0).getAsJsonObject().getAsJsonObject("u").get("general_pool").getAsDouble());
    }

    @Test
    void theJsonTextCannotBeReadAsMarkup() {
        var markup = Fakes.pool("markup_pool", PoolType.SPECIALIZED, 1, MARKUP, Fakes.stats("markup_pool", 1, 0, 0, 0, 0));
        PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(markup), false), null, null, null);
        String json = JsonReplies.toJson(ConsoleModel.build(admin, new UtilizationSampler().history(), 0L));
        assertFalse(json.contains("<"), json);
        assertTrue(json.contains("\\u003cimg src\\u003dx onerror\\u003dalert(1)\\u003e"));
    }

    @Test
    void aLentWorkerNamesItsBorrower() {
        JsonObject w = ConsoleModel.worker("general_pool",
                new WorkerInfo("general_pool-w3", 7, WorkerState.IDLE, 12, -1, "general_pool", "embedding_pool", 0));
        assertEquals("embedding_pool", w.get("lentTo").getAsString());
        assertEquals("general_pool", w.get("owner").getAsString());
        assertEquals(-1, w.get("rssKb").getAsLong());
    }

    @Test
    void sectionsAppearOnlyWhenContributed() {
        PoolerAdmin admin = new PoolerAdmin(null, null, null, null);
        JsonObject m = ConsoleModel.build(admin, new UtilizationSampler().history(), 0L);
        assertEquals(0, m.getAsJsonArray("sections").size());
        assertFalse(m.getAsJsonObject("present").get("registry").getAsBoolean());
        assertEquals(0, m.getAsJsonArray("pools").size());

        admin.addSection(AdminSection.AFFINITY, 7L, new AdminSection() {
            @Override public String title() { return "Sessions"; }
            @Override public List<AdminTable> tables() {
                return List.of(new AdminTable("sessions", "Sessions", List.of("Session", "Pool", "Strength"),
                        List.of(List.of("s-1", "general_pool", "pinned"))));
            }
            @Override public List<AdminAction> actions() {
                return List.of(new AdminAction(AdminAction.PIN_SESSION, "Pin", List.of("session", "pool")));
            }
            @Override public String perform(String action, Map<String, String> parameters) { return "pinned"; }
        });
        m = ConsoleModel.build(admin, new UtilizationSampler().history(), 0L);
        assertTrue(m.getAsJsonObject("present").get("affinity").getAsBoolean());
        JsonObject s = m.getAsJsonArray("sections").get(0).getAsJsonObject();
        assertEquals("affinity", s.get("name").getAsString());
        assertEquals("s-1", s.getAsJsonArray("tables").get(0).getAsJsonObject().getAsJsonArray("rows").get(0).getAsJsonArray().get(0).getAsString());
        assertEquals("pin_session", s.getAsJsonArray("actions").get(0).getAsJsonObject().get("name").getAsString());
    }

    @Test
    void healthFollowsStateWorkersAndFailures() {
        assertEquals("healthy", PoolHealth.of(Fakes.stats("p", 4, 1, 0, 10, 0), 4).status());
        assertEquals("degraded", PoolHealth.of(Fakes.stats("p", 3, 1, 0, 10, 0), 4).status());
        assertEquals("degraded", PoolHealth.of(Fakes.stats("p", 4, 1, 0, 50, 50), 4).status());
        PoolStats failed = new PoolStats("p", PoolState.FAILED, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 0, 0, 0, 0);
        assertEquals("down", PoolHealth.of(failed, 4).status());
        // a worker lent out is still the pool's own and alive
        PoolStats lending = new PoolStats("p", PoolState.RUNNING, 3, 0, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("healthy", PoolHealth.of(lending, 4).status());
    }

    @Test
    void theHistoryKeepsTheLastSamplesOldestFirst() {
        UtilizationHistory h = new UtilizationHistory(3, 1000);
        for (long t = 1; t <= 5; t++) {
            h.add(new UtilizationHistory.Sample(t, Map.of(), Map.of()));
        }
        assertEquals(List.of(3L, 4L, 5L), h.samples().stream().map(UtilizationHistory.Sample::timestampMillis).toList());
    }
}
