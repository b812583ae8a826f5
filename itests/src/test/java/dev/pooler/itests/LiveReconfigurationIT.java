package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

/** DESIGN §5: a configuration change takes effect live, without dropping a request. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveReconfigurationIT extends PoolerTestSupport {

    @Test
    public void resizingUnderLoadDropsNoRequest() throws Exception {
        Configuration c = createPool("it_live_size", Map.of("size", 4, "adapter", "bench,testing"));
        Pool pool = awaitPool("it_live_size", 4);
        List<CompletableFuture<Response>> load = send(pool, 300, 10);

        Await.until("the pool is under load", () -> pool.stats().completed() >= 20);
        c.update(props("it_live_size", Map.of("size", 2, "adapter", "bench,testing")));
        Await.until("the pool shrank", () -> pool.config().size() == 2);
        c.update(props("it_live_size", Map.of("size", 6, "adapter", "bench,testing")));
        Await.until("the pool grew", () -> pool.config().size() == 6);

        assertAllSucceed(load);
        awaitSize(pool, 6);
        assertEquals(0, pool.stats().crashes());
        assertAnswersEcho(pool);
    }

    @Test
    public void adapterChangeRelaunchesWorkersWithoutDroppingRequests() throws Exception {
        Configuration c = createPool("it_live_adapter", Map.of("size", 3, "adapter", "bench,testing"));
        Pool pool = awaitPool("it_live_adapter", 3);
        Set<Long> before = handles(pool).keySet();
        PoolerException unknown = failure(pool.execute(Request.of("embed", json("text", "hello"))).toCompletableFuture());
        assertEquals(ErrorKind.WORKER_ERROR, unknown.kind());

        List<CompletableFuture<Response>> load = send(pool, 150, 10);
        Await.until("the pool is under load", () -> pool.stats().completed() >= 10);
        c.update(props("it_live_adapter", Map.of("size", 3, "adapter", "bench,text")));

        assertAllSucceed(load);
        Await.until("every worker was relaunched", () -> {
            Set<Long> now = readyPids(pool);
            return now.size() == 3 && pool.workers().size() == 3 && now.stream().noneMatch(before::contains);
        }, () -> describe(pool));
        awaitSize(pool, 3);
        handles(pool);
        Response embedded = answer(pool.execute(Request.of("embed", json("text", "hello"))).toCompletableFuture());
        assertTrue(embedded.result().toString(), embedded.result().isJsonObject() || embedded.result().isJsonArray());
        assertEquals(0, pool.stats().crashes());
    }

    @Test
    public void poolIdChangeReplacesThePool() throws Exception {
        Configuration c = createPool("it_live_old", Map.of("size", 2, "adapter", "bench,testing"));
        Pool old = awaitPool("it_live_old", 2);
        Set<ProcessHandle> oldWorkers = new HashSet<>(handles(old).values());

        c.update(props("it_live_new", Map.of("size", 2, "adapter", "bench,testing")));
        Pool renamed = awaitPool("it_live_new", 2);
        Await.until("the old pool is gone", () -> registry().pool("it_live_old").isEmpty());
        Await.until("the old pool's workers exited", () -> Procs.stillAlive(oldWorkers).isEmpty());
        assertAnswersEcho(renamed);
        assertFalse(oldWorkers.stream().anyMatch(h -> readyPids(renamed).contains(h.pid())));
    }

    private static List<CompletableFuture<Response>> send(Pool pool, int n, int sleepMs) {
        List<CompletableFuture<Response>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pool.execute(Request.of("sleep", json("ms", sleepMs))).toCompletableFuture());
        }
        return out;
    }

    private static void assertAllSucceed(List<CompletableFuture<Response>> load) throws Exception {
        CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).handle((v, t) -> null).get(60, TimeUnit.SECONDS);
        List<String> errors = new ArrayList<>();
        for (CompletableFuture<Response> f : load) {
            if (f.isCompletedExceptionally()) {
                f.handle((r, t) -> errors.add(PoolerException.of(t).toString())).join();
            }
        }
        assertTrue(errors.size() + " of " + load.size() + " requests failed: " + errors.stream().distinct().toList(),
                errors.isEmpty());
    }
}
