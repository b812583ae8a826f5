package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import java.util.Arrays;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Where the pools come from configuration (the launcher: {@code pooler.default.pool=false}), a request that
 * arrives before any is running gets a typed answer and starts no {@code default} pool beside them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NoDefaultPoolIT extends PoolerTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        Option[] base = super.config();
        Option[] all = Arrays.copyOf(base, base.length + 1);
        all[base.length] = frameworkProperty("pooler.default.pool").value("false");
        return all;
    }

    @Test
    public void aRequestBeforeAnyPoolRunsStartsNoDefaultPool() throws Exception {
        assertTrue(registry().pools().isEmpty());
        PoolerException e = failure(router().route(Request.of("echo")).toCompletableFuture());
        assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
        Thread.sleep(500);
        assertTrue("no default pool was started: " + registry().pools(), registry().pools().isEmpty());
        assertTrue(poolServices().isEmpty());
    }
}
