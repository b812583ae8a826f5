package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

class ZooKeeperLinkTest {

    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void aDiscoveryConfiguredElsewhereIsNeverJudged() throws Exception {
        ZooKeeperLink link = new ZooKeeperLink(false, 1, 1, restarts::incrementAndGet);
        Thread.sleep(20);
        assertFalse(link.lost());
        assertEquals(0, restarts.get(), "nothing restarted");
    }

    @Test
    void noClientAtAllIsNotConnected() throws Exception {
        ZooKeeperLink link = new ZooKeeperLink(true, 200, 600, restarts::incrementAndGet);
        assertFalse(link.lost(), "lost at once, before the grace");
        Thread.sleep(400);
        assertTrue(link.lost(), "Aries between sessions, no client published for longer than the grace");
        assertEquals(0, restarts.get(), "restarted before its time");
        Thread.sleep(400);
        assertTrue(link.lost());
        assertEquals(1, restarts.get(), "Aries' discovery restarted once lost for the restart period");
        assertTrue(link.lost());
        assertEquals(1, restarts.get(), "and not again before the next period");
    }

    @Test
    void aClientThatCannotReachItsServerLosesTheLinkOnlyAfterTheGrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ZooKeeper client = new ZooKeeper("127.0.0.1:" + closed, 3000, event -> { });
        try {
            ZooKeeperLink link = new ZooKeeperLink(true, 200, 600, restarts::incrementAndGet);
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
