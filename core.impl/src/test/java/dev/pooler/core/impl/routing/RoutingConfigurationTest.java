package dev.pooler.core.impl.routing;

import static dev.pooler.core.impl.routing.TestSupport.config;
import static dev.pooler.core.impl.routing.TestSupport.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.routing.TestSupport.Posted;
import dev.pooler.core.impl.routing.TestSupport.RecordingEvents;
import dev.pooler.core.impl.routing.TestSupport.ScriptedStrategy;
import org.junit.jupiter.api.Test;

class RoutingConfigurationTest {

    private final RecordingEvents events = new RecordingEvents();

    @Test
    void defaultsAreTheSeeds() {
        RouterSettings s = RouterSettings.from(config("ml_optimized"));
        assertEquals(RouterSettings.DEFAULTS, s);
        assertEquals(30_000L, s.rebalanceIntervalMs());
        assertEquals(0.7, s.migrationThreshold());
        assertTrue(s.workerSharingEnabled());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertEquals("migration_threshold", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("round_robin", 1, true, 1.5, 1))).field());
        assertEquals("migration_threshold", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("round_robin", 1, true, -0.1, 1))).field());
        assertEquals("migration_threshold", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("round_robin", 1, true, Double.NaN, 1))).field());
        assertEquals("rebalance_interval", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("round_robin", -1, true, 0.5, 1))).field());
        assertEquals("strategy", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("  ", 1, true, 0.5, 1))).field());
        assertEquals("routed_event_sampling", assertThrows(InvalidConfigException.class,
                () -> RouterSettings.from(config("x", 1, true, 0.5, -2))).field());
    }

    @Test
    void unknownStrategyNamesAreAccepted() {
        assertEquals("not_installed_yet", RouterSettings.from(config(":Not_Installed_Yet")).strategy());
    }

    @Test
    void aChangeAppliesLiveAndMovesTheActiveStrategy() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(TestPool.of("a")), config("round_robin"), events,
                System::nanoTime);
        router.bindStrategy(ScriptedStrategy.first(), props("round_robin"));
        router.bindStrategy(ScriptedStrategy.first(), props("p2c"));
        router.activated();
        assertEquals("round_robin", router.activeStrategy());

        router.modified(config("p2c", 10_000, false, 0.9, 1));
        assertEquals("p2c", router.activeStrategy());
        assertEquals("p2c", router.configuredStrategy());
        assertEquals(10_000, router.settings().rebalanceIntervalMs());
        assertEquals(0.9, router.settings().migrationThreshold());
        Posted changed = events.of(PoolerEvents.STRATEGY_CHANGED).get(0);
        assertEquals("p2c", changed.properties().get(PoolerEvents.STRATEGY));
        assertEquals("round_robin", changed.properties().get(PoolerEvents.PREVIOUS_STRATEGY));

        // configured but absent: round_robin stands in until it arrives
        router.modified(config("ml_optimized"));
        assertEquals("ml_optimized", router.configuredStrategy());
        assertEquals("round_robin", router.activeStrategy());
        router.bindStrategy(ScriptedStrategy.first(), props("ml_optimized"));
        assertEquals("ml_optimized", router.activeStrategy());
        assertEquals(3, events.of(PoolerEvents.STRATEGY_CHANGED).size());
    }

    @Test
    void aBadChangeIsRefusedAndThePreviousValuesStay() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(TestPool.of("a")), config("round_robin"), events,
                System::nanoTime);
        router.activated();
        router.modified(config("p2c", 5_000, true, 0.5, 1));
        router.modified(config("least_connections", 1_000, true, 7.0, 1));
        assertEquals("p2c", router.configuredStrategy());
        assertEquals(5_000, router.settings().rebalanceIntervalMs());
        Posted rejected = events.of(PoolerEvents.CONFIG_REJECTED).get(0);
        assertEquals("migration_threshold", rejected.properties().get(PoolerEvents.FIELD));
        assertEquals(RoutingEngine.PID, rejected.properties().get("pid"));
        assertTrue(rejected.properties().get(PoolerEvents.MESSAGE).toString().contains("7.0"));
    }

    @Test
    void aBadInitialConfigurationRunsOnDefaultsAndIsReportedOnActivation() {
        RoutingEngine router = new RoutingEngine(new TestRegistry(TestPool.of("a")), config("p2c", -5, true, 0.5, 1),
                events, System::nanoTime);
        assertTrue(events.of(PoolerEvents.CONFIG_REJECTED).isEmpty());
        router.activated();
        assertEquals("rebalance_interval", events.of(PoolerEvents.CONFIG_REJECTED).get(0).properties().get(PoolerEvents.FIELD));
        assertEquals(RouterSettings.DEFAULTS, router.settings());
    }
}
