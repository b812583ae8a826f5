package dev.pooler.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.PoolType;
import dev.pooler.api.Response;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.testing.Fakes;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

class PoolerCommandsTest {

    private final Fakes.ConfigStore config = new Fakes.ConfigStore();
    private final Fakes.Router router = new Fakes.Router(Set.of("round_robin", "p2c"), List.of(),
            r -> CompletableFuture.completedFuture(new Response(r.pool() == null ? "general_pool" : r.pool(), "w1", r.args(), 0, 1_000_000)));
    private final PoolerAdmin admin = new PoolerAdmin(Fakes.registry(List.of(
            Fakes.pool("general_pool", PoolType.GENERAL, 8, null, Fakes.stats("general_pool", 8, 2, 0, 10, 0)),
            Fakes.pool("embedding_pool", PoolType.EMBEDDING, 4, "ada", Fakes.stats("embedding_pool", 4, 0, 0, 0, 0))), false),
            router, config.admin(), null);
    private final PoolerCommands commands = new PoolerCommands(admin);

    @Test
    void listsPoolsAndWorkers() {
        String pools = commands.pools();
        assertTrue(pools.contains("general_pool") && pools.contains("embedding_pool"), pools);
        assertTrue(pools.contains("healthy"));
        assertTrue(commands.workers().contains("embedding_pool-w4"));
        assertTrue(commands.workers("general_pool").contains("general_pool-w8"));
        assertTrue(commands.workers("nope").startsWith("no pool named 'nope'"));
    }

    @Test
    void execRoutesThroughTheRouterWithAnOptionalPool() {
        String out = commands.exec("", "", "", false, "echo", "{\"x\":1}");
        assertTrue(out.contains("\"x\": 1") && out.contains("routed"), out);
        assertEquals(null, router.routed.get(0).pool());
        out = commands.exec("embedding_pool", "echo", "{}");
        assertTrue(out.contains("pool embedding_pool"), out);
        assertEquals("embedding_pool", router.routed.get(1).pool());
        assertTrue(commands.exec("", "", "", false, "echo", "[1]").startsWith("BAD_REQUEST"));
        assertTrue(commands.exec("zzz", "echo", "{}").startsWith("no pool named 'zzz'"));
    }

    @Test
    void switchesAndShowsTheStrategy() {
        config.byPid.put(PoolerAdmin.LOADBALANCING_PID, new Hashtable<>(Map.of("strategy", "round_robin")));
        assertEquals("strategy set to p2c\n", commands.strategy("p2c"));
        assertEquals("p2c", config.byPid.get(PoolerAdmin.LOADBALANCING_PID).get("strategy"));
        assertTrue(commands.strategy("nope").startsWith("BAD_REQUEST"));
        String shown = commands.strategy();
        assertTrue(shown.contains("configured: p2c") && shown.contains("present:    p2c, round_robin"), shown);
    }

    @Test
    void sayWhenTheBundleServingThemIsNotInstalled() {
        assertTrue(commands.loans().contains("dev.pooler.sharing) is not installed"));
        assertTrue(commands.sessions().contains("dev.pooler.affinity) is not installed"));
        assertTrue(commands.migrate("general_pool-w1", "embedding_pool").contains("dev.pooler.sharing) is not installed"));
        assertTrue(commands.returnloan("general_pool-w1").contains("dev.pooler.sharing) is not installed"));
        assertTrue(commands.pin("s1", "general_pool").contains("dev.pooler.affinity) is not installed"));
        assertTrue(commands.rebalance().contains("no worker-sharing bundle"));
    }

    @Test
    void useAContributedSectionWhenThereIsOne() {
        admin.addSection(AdminSection.SHARING, 1L, new AdminSection() {
            @Override public String title() { return "Loans and sharing agreements"; }
            @Override public List<AdminTable> tables() {
                return List.of(new AdminTable("loans", "Loans", List.of("Worker", "From", "To"),
                        List.of(List.of("general_pool-w1", "general_pool", "embedding_pool"))));
            }
            @Override public List<AdminAction> actions() {
                return List.of(new AdminAction(AdminAction.MIGRATE, "Migrate", List.of("worker", "to_pool", "mode")));
            }
            @Override public String perform(String action, Map<String, String> p) {
                return "migrating " + p.get("worker") + " to " + p.get("to_pool") + " (" + p.get("mode") + ")";
            }
        });
        String loans = commands.loans();
        assertTrue(loans.contains("Worker           From          To"), loans);
        assertTrue(loans.contains("general_pool-w1  general_pool  embedding_pool"), loans);
        assertEquals("migrating w to p (graceful)\n", commands.migrate("w", "p"));
        assertTrue(commands.returnloan("w").contains("not installed"), "no section offers return_loan");
    }

    @Test
    void everyCommandHasHelpText() {
        for (var m : PoolerCommands.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                assertTrue(m.isAnnotationPresent(Descriptor.class), m.getName() + " has no @Descriptor");
            }
        }
    }
}
