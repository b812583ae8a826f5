package dev.pooler.core.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.SharingPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolConfigParserTest {

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void theSeedsEmbeddingPoolFromAConfFile() {
        PoolConfig c = PoolConfigParser.parse(props("pool.type", "embedding", "size", "4", "priority", "high",
                "sharing.policy", "strict", "specialization", "text-embedding-ada-002",
                "capabilities", "embedding, similarity,clustering", "adapter", "text",
                "felix.fileinstall.filename", "file:/home/conf/dev.pooler.pool-embedding_pool.cfg"), "python3");
        assertEquals("embedding_pool", c.poolId(), "the id comes from the file name when not given");
        assertEquals(PoolType.EMBEDDING, c.poolType());
        assertEquals(4, c.size());
        assertEquals(Priority.HIGH, c.priority());
        assertEquals(SharingPolicy.STRICT, c.sharingPolicy());
        assertEquals(Set.of("embedding", "similarity", "clustering"), c.capabilities());
        assertEquals("text", c.workerSpec().adapter());
        assertTrue(c.supports("similarity"));
        assertTrue(!c.supports("generation"));
    }

    @Test
    void defaultsAreTheSeeds() {
        PoolConfig c = PoolConfigParser.parse(props("pool.id", "p"), "/usr/bin/python3");
        assertEquals(PoolType.GENERAL, c.poolType());
        assertEquals(4, c.size());
        assertEquals(Priority.MEDIUM, c.priority());
        assertEquals(SharingPolicy.OVERFLOW, c.sharingPolicy());
        assertEquals("default", c.geographicZone());
        assertEquals(Set.of("all"), c.capabilities());
        assertEquals("/usr/bin/python3", c.workerSpec().python());
        assertEquals(Duration.ofSeconds(30), c.resourceLimits().requestTimeout());
    }

    @Test
    void aPoolNamingNoZoneIsInItsNodesZoneOneNamingAZoneKeepsIt() {
        assertEquals("east", PoolConfigParser.parse(props("pool.id", "p"), "python3", "east").geographicZone());
        assertEquals("west", PoolConfigParser.parse(props("pool.id", "p", "geographic.zone", "west"), "python3", "east")
                .geographicZone());
        assertEquals(PoolConfig.DEFAULT_ZONE, PoolConfigParser.parse(props("pool.id", "p"), "python3", " ").geographicZone());
    }

    @Test
    void toolsAllowedIsEveryToolByDefaultNoneWhenEmptyOrNoneElseTheNames() {
        PoolConfig all = PoolConfigParser.parse(props("pool.id", "p"), "python3");
        assertEquals(Set.of("*"), all.allowedTools());
        assertTrue(all.allowsTool("kv"));
        for (Object none : new Object[] {"none", "", new String[0]}) {
            PoolConfig c = PoolConfigParser.parse(props("pool.id", "p", "tools.allowed", none), "python3");
            assertEquals(Set.of(), c.allowedTools(), "tools.allowed=" + none);
            assertTrue(!c.allowsTool("kv"));
        }
        PoolConfig some = PoolConfigParser.parse(props("pool.id", "p", "tools.allowed", "kv, search"), "python3");
        assertEquals(Set.of("kv", "search"), some.allowedTools());
        assertTrue(some.allowsTool("search") && !some.allowsTool("mail"));
        dev.pooler.api.InvalidConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(
                dev.pooler.api.InvalidConfigException.class,
                () -> PoolConfigParser.parse(props("pool.id", "p", "tools.allowed", "kv, no way"), "python3"));
        assertEquals("tools.allowed", bad.field());
        assertTrue(bad.getMessage().contains("'no way'"), bad.getMessage());
    }

    @Test
    void typedValuesFromConfigAdminWork() {
        PoolConfig c = PoolConfigParser.parse(props("pool.id", "p", "size", 7, "capabilities",
                new String[] {"embedding", "clustering"}, "request.timeout.ms", 1500L), "python3");
        assertEquals(7, c.size());
        assertEquals(Set.of("embedding", "clustering"), c.capabilities());
        assertEquals(Duration.ofMillis(1500), c.resourceLimits().requestTimeout());
    }

    @Test
    void badValuesNameTheirField() {
        assertField("size", props("pool.id", "p", "size", "-1"));
        assertField("size", props("pool.id", "p", "size", "four"));
        assertField("pool.type", props("pool.id", "p", "pool.type", "unknown"));
        assertField("priority", props("pool.id", "p", "priority", "urgent"));
        assertField("sharing.policy", props("pool.id", "p", "sharing.policy", "sometimes"));
        assertField("request.timeout.ms", props("pool.id", "p", "request.timeout.ms", "0"));
        assertField("max.queue", props("pool.id", "p", "max.queue", "-5"));
        assertField("pool.id", props("pool.id", "bad id!"));
        assertField("adapter", props("pool.id", "p", "adapter", "not a module"));
        assertField("env", props("pool.id", "p", "env", "NOEQUALS"));
        assertField("capabilities", props("pool.id", "p", "capabilities", "Bad Cap"));
    }

    @Test
    void valuesThatWouldOverflowAreRefusedNamingTheirProperty() {
        assertField("request.timeout.ms", props("pool.id", "p", "request.timeout.ms", 1e16));
        assertField("request.timeout.ms", props("pool.id", "p", "request.timeout.ms", "10000000000000000"));
        assertField("restart.window.s", props("pool.id", "p", "restart.window.s", Long.toString(Long.MAX_VALUE)));
        assertField("restart.window.s", props("pool.id", "p", "restart.window.s", "1e30"));
        assertField("max.reply.bytes", props("pool.id", "p", "max.reply.bytes", "99999999999"));
        assertField("max.reply.bytes", props("pool.id", "p", "max.reply.bytes", "12"));
    }

    @Test
    void launchModeIsForkUnlessSaidAndABadOneIsNamed() {
        assertEquals(LaunchMode.FORK, PoolConfigParser.parse(props("pool.id", "p"), "python3").launchMode());
        assertEquals(LaunchMode.SPAWN, PoolConfigParser.parse(props("pool.id", "p", "launch.mode", "spawn"), "python3").launchMode());
        assertEquals(LaunchMode.FORK, PoolConfigParser.parse(props("pool.id", "p", "launch.mode", " Fork "), "python3").launchMode());
        assertField("launch.mode", props("pool.id", "p", "launch.mode", "clone"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PoolConfigParser.parse(props("pool.id", "p", "launch.mode", "clone"), "python3"));
        assertTrue(e.getMessage().contains("[fork, spawn]"), e.getMessage());
    }

    @Test
    void pipelineDepthIsOneUnlessSaidAndABadOneIsNamed() {
        assertEquals(1, PoolConfigParser.parse(props("pool.id", "p"), "python3").pipelineDepth());
        assertEquals(3, PoolConfigParser.parse(props("pool.id", "p", "pipeline.depth", "3"), "python3").pipelineDepth());
        assertEquals(64, PoolConfigParser.parse(props("pool.id", "p", "pipeline.depth", 64), "python3").pipelineDepth());
        assertField("pipeline.depth", props("pool.id", "p", "pipeline.depth", "0"));
        assertField("pipeline.depth", props("pool.id", "p", "pipeline.depth", "65"));
        assertField("pipeline.depth", props("pool.id", "p", "pipeline.depth", "-2"));
        assertField("pipeline.depth", props("pool.id", "p", "pipeline.depth", "abc"));
        assertField("pipeline.depth", props("pool.id", "p", "pipeline.depth", 2.5));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PoolConfigParser.parse(props("pool.id", "p", "pipeline.depth", "0"), "python3"));
        assertTrue(e.getMessage().contains("between 1 and 64") && e.getMessage().contains("was 0"), e.getMessage());
        InvalidConfigException word = assertThrows(InvalidConfigException.class,
                () -> PoolConfigParser.parse(props("pool.id", "p", "pipeline.depth", "abc"), "python3"));
        assertTrue(word.getMessage().contains("'abc'"), word.getMessage());
    }

    private static void assertField(String field, Map<String, Object> props) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> PoolConfigParser.parse(props, "python3"));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }
}
