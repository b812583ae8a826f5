package dev.pooler.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.routing.AffinityStrength;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AffinitySettingsTest {

    @Test
    void theSeedsDefaults() {
        AffinitySettings s = AffinitySettings.from(Map.of());
        assertEquals(AffinityStrength.NORMAL, s.defaultStrength());
        assertEquals(3600, s.timeoutSeconds());
        assertEquals(true, s.crossPoolMigration());
        assertEquals(SessionDataSync.LAZY, s.dataSync());
    }

    @Test
    void readsDottedAndSeedNames() {
        AffinitySettings s = AffinitySettings.from(Map.of("default.strength", "Pinned", "affinity_timeout", "5",
                "cross.pool.migration", "false", "session.data.sync", "eager"));
        assertEquals(new AffinitySettings(AffinityStrength.PINNED, 5, false, SessionDataSync.EAGER), s);
        assertEquals(7, AffinitySettings.from(Map.of("affinity.timeout", 7L)).timeoutSeconds());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertEquals("default_strength", field(Map.of("default.strength", "sticky")));
        assertEquals("affinity_timeout", field(Map.of("affinity.timeout", "soon")));
        assertEquals("affinity_timeout", field(Map.of("affinity.timeout", 0)));
        assertEquals("cross_pool_migration", field(Map.of("cross.pool.migration", "yes")));
        assertEquals("session_data_sync", field(Map.of("session.data.sync", "sometimes")));
    }

    private static String field(Map<String, ?> properties) {
        return assertThrows(InvalidConfigException.class, () -> AffinitySettings.from(properties)).field();
    }
}
