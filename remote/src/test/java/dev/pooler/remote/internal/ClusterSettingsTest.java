package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

    @Test
    void unsetDiscoveryMeansOneNode() {
        assertTrue(ClusterSettings.of(Map.<String, String>of()::get).isEmpty());
    }

    @Test
    void embeddedRunsZooKeeperOnTheClusterHost() {
        ClusterSettings s = ClusterSettings.of(Map.of("pooler.discovery", "embedded", "pooler.discovery.port", "2299")::get).orElseThrow();
        assertTrue(s.embedded());
        assertEquals("127.0.0.1:2299", s.connectString());
        assertEquals("127.0.0.1", s.zookeeperHost());
        assertEquals("2299", s.zookeeperPort());
        assertEquals(0, s.clusterPort());
    }

    @Test
    void anEnsembleListIsSplitTheWayAriesJoinsIt() {
        ClusterSettings s = ClusterSettings.of(Map.of("pooler.discovery", "zk1:2181, zk2:2182")::get).orElseThrow();
        assertEquals("zk1:2181,zk2:2182", s.connectString());
        assertEquals("zk1:2181,zk2", s.zookeeperHost());
        assertEquals("2182", s.zookeeperPort());
    }

    @Test
    void badValuesAreRefusedByName() {
        IllegalArgumentException list = assertThrows(IllegalArgumentException.class,
                () -> ClusterSettings.of(Map.of("pooler.discovery", "zk1")::get));
        assertTrue(list.getMessage().startsWith("POOLER_DISCOVERY"), list.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> ClusterSettings.of(Map.of("pooler.discovery", "embedded", "pooler.discovery.port", "99999")::get));
        assertTrue(port.getMessage().startsWith("POOLER_DISCOVERY_PORT"), port.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeIdentity.of(Map.of("pooler.node", "a b")::get));
    }
}
