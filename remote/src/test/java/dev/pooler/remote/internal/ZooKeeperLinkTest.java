package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

class ZooKeeperLinkTest {

    @Test
    void aDiscoveryConfiguredElsewhereIsNeverJudged() throws Exception {
        ZooKeeperLink link = new ZooKeeperLink(false, 1);
        Thread.sleep(20);
        assertFalse(link.lost());
    }

    @Test
    void noClientAtAllIsNotConnected() throws Exception {
        ZooKeeperLink link = new ZooKeeperLink(true, 200);
        assertFalse(link.lost(), "lost at once, before the grace");
        Thread.sleep(400);
        assertTrue(link.lost(), "Aries between sessions, no client published for longer than the grace");
    }

    @Test
    void aClientThatCannotReachItsServerLosesTheLinkOnlyAfterTheGrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ZooKeeper client = new ZooKeeper("127.0.0.1:" + closed, 3000, event -> { });
        try {
            ZooKeeperLink link = new ZooKeeperLink(true, 200);
            link.addClient(client);
            assertFalse(client.getState().isConnected());
            assertFalse(link.lost(), "lost at once, before the grace");
            Thread.sleep(400);
            assertTrue(link.lost(), "still not lost after the grace");
            link.removeClient(client);
            assertTrue(link.lost(), "no client: still lost");
        } finally {
            client.close();
        }
    }
}
