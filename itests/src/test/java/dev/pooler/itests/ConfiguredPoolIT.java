package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolStats;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.events.PoolerEvents;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;

/** Pools configured through ConfigAdmin: start, concurrency, live resize, refused configurations. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfiguredPoolIT extends PoolerTestSupport {

    @Test
    public void configuredPoolStartsRealProcessesAndAnswersThousandConcurrentRequests() throws Exception {
        createPool("it_concurrent", Map.of("size", 4, "adapter", "bench,testing"));
        Pool pool = awaitPool("it_concurrent", 4);

        // Four real OS processes, children of this JVM, running the Python worker.
        Map<Long, ProcessHandle> procs = handles(pool);
        assertEquals(4, procs.size());
        for (ProcessHandle h : procs.values()) {
            assertTrue("worker " + h.pid() + " is this JVM's child or its fork template's",
                    Procs.startedBy(h, ProcessHandle.current()));
            assertTrue("worker " + h.pid() + " runs " + Procs.commandLine(h), Procs.isWorker(h));
        }
        // Each worker reports the pid the pool knows it by.
        Set<Long> reported = new HashSet<>();
        for (int i = 0; i < 40 && reported.size() < 2; i++) {
            reported.add(answer(pool.execute(Request.of("pid")).toCompletableFuture()).result().getAsLong());
        }
        assertTrue("pids reported by the workers " + reported + " are the pool's " + procs.keySet(),
                procs.keySet().containsAll(reported));

        long completedBefore = pool.stats().completed();
        int n = 1000;
        int senders = 8;
        String run = UUID.randomUUID().toString();
        @SuppressWarnings("unchecked")
        CompletableFuture<Response>[] futures = new CompletableFuture[n];
        ExecutorService threads = Executors.newFixedThreadPool(senders);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < senders; t++) {
            int first = t;
            threads.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = first; i < n; i += senders) {
                    futures[i] = pool.execute(Request.of("echo", json("n", i, "tag", run + "/" + i)))
                            .toCompletableFuture();
                }
            });
        }
        go.countDown();
        threads.shutdown();
        assertTrue("the senders finished", threads.awaitTermination(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS));
        CompletableFuture.allOf(futures).get(60, TimeUnit.SECONDS);

        Set<String> workerIds = new HashSet<>();
        for (WorkerInfo w : pool.workers()) {
            workerIds.add(w.workerId());
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Response r = futures[i].join();
            JsonObject result = r.result().getAsJsonObject();
            assertEquals("answer to request " + i, i, result.get("n").getAsInt());
            assertEquals("answer to request " + i, run + "/" + i, result.get("tag").getAsString());
            assertEquals("it_concurrent", r.poolId());
            used.add(r.workerId());
        }
        assertTrue("answers came from the pool's own workers " + workerIds + ", not " + used, workerIds.containsAll(used));
        PoolStats s = pool.stats();
        assertEquals(n, s.completed() - completedBefore);
        assertEquals(0, s.failed());
        assertEquals(0, s.crashes());
        assertEquals("the same four processes served it all", procs.keySet(), readyPids(pool));
    }

    @Test
    public void sizeUpdateAppliesLiveWithoutRestartingWorkers() throws Exception {
        Configuration c = createPool("it_resize", Map.of("size", 2, "adapter", "bench,testing"));
        Pool pool = awaitPool("it_resize", 2);
        Map<Long, ProcessHandle> before = handles(pool);

        c.update(props("it_resize", Map.of("size", 5, "adapter", "bench,testing")));
        awaitSize(pool, 5);
        assertSame("the pool was reconfigured, not replaced", pool, registry().pool("it_resize").orElseThrow());
        assertEquals(5, pool.config().size());
        Map<Long, ProcessHandle> grown = handles(pool);
        assertTrue("the first workers " + before.keySet() + " are still there: " + grown.keySet(),
                grown.keySet().containsAll(before.keySet()));
        assertTrue("the first workers are the same live processes", allAlive(before.values()));
        assertEquals(0, pool.stats().restarts());
        assertEquals(0, pool.stats().crashes());
        assertAnswersEcho(pool);

        // And back down: three stay, two leave; the pool never restarts.
        c.update(props("it_resize", Map.of("size", 3, "adapter", "bench,testing")));
        awaitSize(pool, 3);
        Set<Long> shrunk = readyPids(pool);
        assertTrue(grown.keySet().containsAll(shrunk));
        for (Map.Entry<Long, ProcessHandle> e : grown.entrySet()) {
            if (!shrunk.contains(e.getKey())) {
                Await.until("retired worker " + e.getKey() + " exits", () -> !Procs.alive(e.getValue()));
            }
        }
        assertEquals(0, pool.stats().crashes());
        assertAnswersEcho(pool);
    }

    @Test
    public void badConfigurationIsRefusedAndTheRunningPoolIsUntouched() throws Exception {
        try (EventCollector events = EventCollector.register(context)) {
            Configuration c = createPool("it_guarded", Map.of("size", 2, "adapter", "bench,testing"));
            Pool pool = awaitPool("it_guarded", 2);
            Map<Long, ProcessHandle> procs = handles(pool);

            c.update(props("it_guarded", Map.of("size", -1, "adapter", "bench,testing")));
            Event sizeRejected = events.await(PoolerEvents.CONFIG_REJECTED, e -> "size".equals(e.getProperty(PoolerEvents.FIELD)));
            assertEquals(c.getPid(), sizeRejected.getProperty("pid"));
            assertEquals("it_guarded", sizeRejected.getProperty(PoolerEvents.POOL_ID));
            assertTrue(String.valueOf(sizeRejected.getProperty(PoolerEvents.MESSAGE)).contains("-1"));
            assertUntouched(pool, procs, 2);

            c.update(props("it_guarded", Map.of("size", 2, "adapter", "bench", "pool.type", "unknown")));
            Event typeRejected = events.await(PoolerEvents.CONFIG_REJECTED,
                    e -> "pool.type".equals(e.getProperty(PoolerEvents.FIELD)));
            assertEquals(c.getPid(), typeRejected.getProperty("pid"));
            assertTrue(String.valueOf(typeRejected.getProperty(PoolerEvents.MESSAGE)).contains("unknown"));
            assertUntouched(pool, procs, 2);

            // A good configuration after the bad ones still applies.
            c.update(props("it_guarded", Map.of("size", 3, "adapter", "bench,testing")));
            awaitSize(pool, 3);
            assertTrue(readyPids(pool).containsAll(procs.keySet()));
        }
    }

    @Test
    public void badFirstConfigurationStartsNoPool() throws Exception {
        try (EventCollector events = EventCollector.register(context)) {
            Configuration c = createPool("it_never", Map.of("size", 0, "adapter", "bench,testing"));
            Event rejected = events.await(PoolerEvents.CONFIG_REJECTED, e -> c.getPid().equals(e.getProperty("pid")));
            assertEquals("size", rejected.getProperty(PoolerEvents.FIELD));
            // The refusal happens before any pool is started, so by now none can exist.
            assertFalse(registry().pool("it_never").isPresent());
            assertTrue(poolServices().isEmpty());
            assertTrue(Procs.poolerChildren(ProcessHandle.current()).isEmpty());
        }
    }

    private void assertUntouched(Pool pool, Map<Long, ProcessHandle> procs, int size) throws Exception {
        assertSame(pool, registry().pool(pool.id()).orElseThrow());
        assertEquals(size, pool.config().size());
        PoolStats s = pool.stats();
        assertEquals(describe(pool), size, s.workers());
        assertEquals(procs.keySet(), readyPids(pool));
        assertTrue("the workers are the same live processes", allAlive(procs.values()));
        assertEquals(0, s.restarts());
        assertAnswersEcho(pool);
        assertNotNull(pool.config().poolType());
    }
}
