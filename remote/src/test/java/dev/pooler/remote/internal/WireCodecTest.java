package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.RequestPriority;
import dev.pooler.api.Response;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    @Test
    void aRequestCrossesWithEverythingThePoolUses() {
        JsonObject args = new JsonObject();
        args.addProperty("text", "héllo \"world\"");
        Request sent = Request.builder("echo").args(args).session("s-1").priority(RequestPriority.HIGH)
                .capability("bench").retryable(true).timeout(Duration.ofMillis(1234)).pool("ignored").build();
        Request got = WireCodec.request(WireCodec.request(sent));
        assertEquals("echo", got.command());
        assertEquals(args, got.args());
        assertEquals("s-1", got.sessionId());
        assertEquals(RequestPriority.HIGH, got.priority());
        assertEquals("bench", got.capability());
        assertTrue(got.retryable());
        assertEquals(Duration.ofMillis(1234), got.timeout());
        assertEquals(null, got.pool(), "the pool is the endpoint's: a caller's hint does not travel");
    }

    @Test
    void badRequestTextIsRefusedNamingWhatIsWrong() {
        PoolerException e = assertThrows(PoolerException.class, () -> WireCodec.request("{\"command\":\"9bad\"}"));
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("command"), e.getMessage());
        PoolerException notJson = assertThrows(PoolerException.class, () -> WireCodec.request("{nope"));
        assertTrue(notJson.getMessage().startsWith("request: not JSON"), notJson.getMessage());
        PoolerException args = assertThrows(PoolerException.class, () -> WireCodec.request("{\"command\":\"x\",\"args\":[1]}"));
        assertTrue(args.getMessage().startsWith("args:"), args.getMessage());
    }

    @Test
    void answersAndErrorsComeBackUnderTheLocalName() {
        Response r = WireCodec.answer(WireCodec.answer(new Response("p", "w3", JsonParser.parseString("{\"x\":[1,2]}"), 5, 7)),
                "p@b", "b");
        assertEquals(new Response("p@b", "w3@b", JsonParser.parseString("{\"x\":[1,2]}"), 5, 7), r);

        String overloaded = WireCodec.error(new PoolerException(ErrorKind.POOL_OVERLOADED, "queue full", "p", null, false));
        PoolerException e = assertThrows(PoolerException.class, () -> WireCodec.answer(overloaded, "p@b", "b"));
        assertEquals(ErrorKind.POOL_OVERLOADED, e.kind());
        assertEquals("queue full", e.getMessage());
        assertEquals("p@b", e.poolId());
        assertFalse(e.reachedWorker());
    }

    @Test
    void statsAndConfigurationCross() {
        PoolStats s = new PoolStats("p", PoolState.RUNNING, 4, 1, 3, 2, 0, 1, 10, 2, 1, 0, 1, 1.5, 1.0, 9.0, 1.2, 3, 4);
        PoolStats back = WireCodec.stats(WireCodec.stats(s), "p@b");
        assertEquals(new PoolStats("p@b", PoolState.RUNNING, 4, 1, 3, 2, 0, 1, 10, 2, 1, 0, 1, 1.5, 1.0, 9.0, 1.2, 3, 4), back);

        PoolConfig c = PoolConfig.builder().poolId("embed").poolType(PoolType.EMBEDDING).size(3)
                .capabilities("embedding", "text").specialization("vectors").affinityRules(Map.of("k", "v")).build();
        PoolConfig got = WireCodec.config(WireCodec.config(c), "embed@b", "eu");
        assertEquals("embed@b", got.poolId());
        assertEquals(PoolType.EMBEDDING, got.poolType());
        assertEquals(3, got.size());
        assertEquals(Set.of("embedding", "text"), got.capabilities());
        assertEquals("vectors", got.specialization());
        assertEquals("eu", got.geographicZone());
        assertEquals(c.resourceLimits(), got.resourceLimits());
        assertEquals(Map.of("k", "v"), got.affinityRules());
    }
}
