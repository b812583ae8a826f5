package dev.pooler.webconsole.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.admin.PoolerAdmin;
import dev.pooler.testing.Fakes;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleActionsTest {

    private final Fakes.ConfigStore config = new Fakes.ConfigStore();
    private final Fakes.Router router = new Fakes.Router(Set.of("round_robin", "p2c", "ml_optimized"), List.of(), r -> null);
    private final PoolerAdmin admin = new PoolerAdmin(
            Fakes.registry(List.of(Fakes.pool("general_pool", PoolType.GENERAL, 2, null, Fakes.stats("general_pool", 2, 0, 0, 0, 0))), false),
            router, config.admin(), null);

    @Test
    void aStrategySwitchIsWrittenToConfigAdminKeepingTheOtherProperties() {
        Hashtable<String, Object> existing = new Hashtable<>();
        existing.put("strategy", "ml_optimized");
        existing.put("rebalance.interval", 30000L);
        config.byPid.put(PoolerAdmin.LOADBALANCING_PID, existing);

        String message = ConsoleActions.run(admin, "{\"action\":\"strategy\",\"strategy\":\"p2c\"}");

        assertTrue(message.contains("strategy set to p2c"), message);
        assertEquals("p2c", config.byPid.get(PoolerAdmin.LOADBALANCING_PID).get("strategy"));
        assertEquals(30000L, config.byPid.get(PoolerAdmin.LOADBALANCING_PID).get("rebalance.interval"));
        assertEquals("p2c", admin.storedStrategy());
    }

    @Test
    void aStrategyThatIsNotPresentIsRefused() {
        PoolerException e = assertThrows(PoolerException.class,
                () -> ConsoleActions.run(admin, "{\"action\":\"strategy\",\"strategy\":\"nope\"}"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("'nope' is not installed"), e.getMessage());
        assertEquals(0, config.updates);

        e = assertThrows(PoolerException.class,
                () -> ConsoleActions.run(admin, "{\"action\":\"strategy\",\"strategy\":\"<b>\"}"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
    }

    @Test
    void badBodiesSayWhatIsWrong() {
        assertEquals("the body is not valid JSON", assertThrows(PoolerException.class, () -> ConsoleActions.run(admin, "{")).getMessage());
        assertTrue(assertThrows(PoolerException.class, () -> ConsoleActions.run(admin, "{}")).getMessage().startsWith("action: missing"));
        assertTrue(assertThrows(PoolerException.class, () -> ConsoleActions.run(admin, "{\"action\":\"explode\"}")).getMessage().contains("unknown 'explode'"));
        assertTrue(assertThrows(PoolerException.class, () -> ConsoleActions.run(admin, "{\"action\":7}")).getMessage().contains("must be a string"));
    }

    @Test
    void rebalanceSaysWhenNoSharingBundleIsThere() {
        assertTrue(ConsoleActions.run(admin, "{\"action\":\"rebalance\"}").contains("no worker-sharing bundle"));
    }

    @Test
    void contributedActionsRunOnlyWhereASectionServesThem() {
        PoolerException e = assertThrows(PoolerException.class, () -> ConsoleActions.run(admin,
                "{\"action\":\"perform\",\"name\":\"migrate\",\"params\":{\"worker\":\"w1\",\"to_pool\":\"p\",\"mode\":\"graceful\"}}"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("dev.pooler.sharing is not installed"), e.getMessage());

        admin.addSection(AdminSection.SHARING, 42L, new AdminSection() {
            @Override public String title() { return "Loans"; }
            @Override public List<AdminTable> tables() { return List.of(); }
            @Override public List<AdminAction> actions() {
                return List.of(new AdminAction(AdminAction.MIGRATE, "Migrate", List.of("worker", "to_pool", "mode")));
            }
            @Override public String perform(String action, Map<String, String> parameters) {
                return action + " " + parameters.get("worker") + " to " + parameters.get("to_pool");
            }
        });
        assertEquals("migrate w1 to p", ConsoleActions.run(admin,
                "{\"action\":\"perform\",\"name\":\"migrate\",\"params\":{\"worker\":\"w1\",\"to_pool\":\"p\",\"mode\":\"graceful\"}}"));
    }
}
