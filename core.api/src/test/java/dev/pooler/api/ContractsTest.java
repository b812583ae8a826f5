package dev.pooler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ContractsTest {

    @Test
    void poolConfigHasTheSeedsDefaults() {
        PoolConfig c = PoolConfig.builder().build();
        assertTrue(c.poolId().startsWith("pool_"), "an id is generated");
        assertEquals(PoolType.GENERAL, c.poolType());
        assertEquals(4, c.size());
        assertEquals(Priority.MEDIUM, c.priority());
        assertEquals(SharingPolicy.OVERFLOW, c.sharingPolicy());
        assertEquals("default", c.geographicZone());
        assertEquals(Set.of("all"), c.capabilities());
        assertTrue(c.supports("anything"));
    }

    @Test
    void aPoolServesInItsOwnZoneElseInItsNodes() {
        PoolConfig unzoned = PoolConfig.builder().poolId("a").build();
        assertEquals("east", unzoned.zoneOn("east"));
        assertEquals(PoolConfig.DEFAULT_ZONE, unzoned.zoneOn(null));
        assertEquals(PoolConfig.DEFAULT_ZONE, unzoned.zoneOn(" "));
        assertEquals("eu", PoolConfig.builder().poolId("b").geographicZone("eu").build().zoneOn("east"));
    }

    @Test
    void invalidConfigNamesTheField() {
        assertEquals("size", assertThrows(InvalidConfigException.class, () -> PoolConfig.builder().size(-1).build()).field());
        assertEquals("size", assertThrows(InvalidConfigException.class, () -> PoolConfig.builder().size(0).build()).field());
        assertEquals("pool_type", assertThrows(InvalidConfigException.class, () -> PoolType.parse("pool_type", "unknown")).field());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PoolType.parse("pool_type", "unknown"));
        assertTrue(e.getMessage().contains("general"), "lists the valid values: " + e.getMessage());
        assertEquals(PoolType.EMBEDDING, PoolType.parse("pool_type", ":embedding"));
    }

    @Test
    void configChangesThatNeedNewProcesses() {
        PoolConfig a = PoolConfig.builder().poolId("p").build();
        assertFalse(a.needsRelaunch(a.toBuilder().size(9).build()));
        assertTrue(a.needsRelaunch(a.toBuilder().workerSpec(a.workerSpec().withAdapter("text")).build()));
        assertEquals(a, a.toBuilder().build());
        assertNotEquals(a, a.toBuilder().size(5).build());
    }

    @Test
    void requestsRefuseBadCommandNames() {
        PoolerException e = assertThrows(PoolerException.class, () -> Request.of("rm -rf /"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("rm -rf /"));
        assertEquals(RequestPriority.NORMAL, Request.of("echo").priority());
    }

    @Test
    void poolerExceptionUnwrapsCompletionWrappers() {
        PoolerException inner = new PoolerException(ErrorKind.TIMEOUT, "slow", "p");
        assertEquals(inner, PoolerException.of(new CompletionException(inner)));
        assertEquals(ErrorKind.WORKER_ERROR, PoolerException.of(new IllegalStateException("x")).kind());
        assertTrue(ErrorKind.POOL_OVERLOADED.retryableElsewhere());
        assertFalse(ErrorKind.TIMEOUT.retryableElsewhere());
    }
}
