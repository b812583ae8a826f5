package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The seed's single-pool API: with nothing configured, the default pool starts on first use. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DefaultPoolIT extends PoolerTestSupport {

    @Test
    public void defaultPoolStartsOnFirstUseWhenNothingIsConfigured() throws Exception {
        assertNull("no pool configuration", configAdmin.listConfigurations("(service.factoryPid=" + POOL_FACTORY_PID + ")"));
        PoolRegistry registry = registry();
        assertTrue(registry.pools().isEmpty());

        Pool pool = registry.defaultPool();
        assertEquals(PoolRegistry.DEFAULT_POOL, pool.id());
        JsonObject args = json("hello", "world", "n", 42);
        Response r = answer(pool.execute(Request.of("echo", args)).toCompletableFuture());
        assertEquals(args, r.result());
        assertEquals(PoolRegistry.DEFAULT_POOL, r.poolId());

        awaitSize(pool, PoolConfig.DEFAULT_SIZE);
        handles(pool);
        assertSame("one default pool, not a second", pool, registry.defaultPool());
        assertEquals(1, registry.pools().size());
        assertEquals(1, poolServices().size());
    }
}
