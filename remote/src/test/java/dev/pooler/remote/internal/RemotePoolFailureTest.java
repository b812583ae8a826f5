package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which failed calls were never sent (any other pool may take them) and which may have run. */
class RemotePoolFailureTest {

    @Test
    void aConnectionThatNeverCameUpSentNothing() {
        assertTrue(RemotePool.neverConnected(new ConnectException("Connection refused")));
        assertTrue(RemotePool.neverConnected(new RuntimeException(new ConnectException("Connection refused"))));
    }

    @Test
    void aConnectionThatBrokeMayHaveCarriedTheRequest() {
        assertFalse(RemotePool.neverConnected(new IOException("Transport disconnected")));
        assertFalse(RemotePool.neverConnected(new IOException("Connection reset by peer")));
        assertFalse(RemotePool.neverConnected(new IllegalStateException("DOSGi Client stopped")));
    }
}
