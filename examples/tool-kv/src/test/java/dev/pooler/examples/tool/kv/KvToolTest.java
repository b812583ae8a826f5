package dev.pooler.examples.tool.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.pooler.api.tools.ToolContext;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class KvToolTest {

    private final ToolContext ctx = new ToolContext("kv", "p", "w1", 7, Duration.ofSeconds(1));
    private final KvTool kv = new KvTool(KvTool.parse(new String[] {"pool=a set of workers", "a=b=c"}));

    @Test
    void findsAndMisses() throws Exception {
        assertEquals(JsonParser.parseString("{\"key\":\"pool\",\"found\":true,\"value\":\"a set of workers\"}"),
                kv.call(JsonParser.parseString("{\"key\":\"pool\"}"), ctx).toCompletableFuture().get());
        assertEquals(JsonParser.parseString("{\"key\":\"a\",\"found\":true,\"value\":\"b=c\"}"),
                kv.call(JsonParser.parseString("{\"key\":\"a\"}"), ctx).toCompletableFuture().get());
        assertEquals(JsonParser.parseString("{\"key\":\"x\",\"found\":false,\"value\":null}"),
                kv.call(JsonParser.parseString("{\"key\":\"x\"}"), ctx).toCompletableFuture().get());
    }

    @Test
    void aKeyThatIsNotAStringFailsTheCallNamingIt() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> kv.call(JsonParser.parseString("{\"key\":3}"), ctx).toCompletableFuture().get());
        assertEquals("argument 'key' must be a string, got 3", e.getCause().getMessage());
        assertThrows(IllegalArgumentException.class, () -> KvTool.parse(new String[] {"novalue"}));
        assertTrue(KvTool.parse(null).isEmpty());
    }
}
