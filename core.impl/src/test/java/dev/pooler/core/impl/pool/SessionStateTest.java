package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.session.SessionAvailability;
import dev.pooler.api.session.SessionTraffic;
import dev.pooler.api.session.SessionState;
import dev.pooler.core.impl.Await;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.session.SessionStoreImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A session's state outlives the worker that made it: the store keeps it, any worker can continue it. */
class SessionStateTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final SessionStoreImpl store = new SessionStoreImpl(3600, 3, clock::get);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE).withSessions(store);
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pools.forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
    }

    private PythonPool start(int size) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId("s" + pools.size()).size(size)
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,text,testing")).build(), runtime);
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        return p;
    }

    private static Request create(String session) {
        JsonObject args = new JsonObject();
        args.addProperty("id", "p1");
        JsonArray examples = new JsonArray();
        JsonArray good = new JsonArray();
        good.add("good movie");
        good.add("pos");
        JsonArray bad = new JsonArray();
        bad.add("bad film");
        bad.add("neg");
        examples.add(good);
        examples.add(bad);
        args.add("examples", examples);
        return Request.builder("create_program").args(args).session(session).build();
    }

    private static Request execute(String session) {
        JsonObject args = new JsonObject();
        args.addProperty("program_id", "p1");
        args.addProperty("input", "a good one");
        return Request.builder("execute_program").args(args).session(session).build();
    }

    private static Response ok(PythonPool p, Request r) throws Exception {
        return p.execute(r).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aSessionsProgramRunsOnEveryWorkerOfThePool() throws Exception {
        PythonPool p = start(3);
        ok(p, create("s1"));
        assertEquals(1, store.get("s1").orElseThrow().version(), "the reply brought the new state to the store");
        Set<String> workers = new HashSet<>();
        for (int round = 0; round < 10; round++) {
            // Three at once: they run on three different workers, only one of which made the program.
            List<CompletableFuture<Response>> f = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                f.add(p.execute(execute("s1")).toCompletableFuture());
            }
            for (CompletableFuture<Response> r : f) {
                Response answer = r.get(30, TimeUnit.SECONDS);
                assertEquals("pos", answer.result().getAsJsonObject().get("output").getAsString());
                workers.add(answer.workerId());
            }
        }
        assertEquals(3, workers.size(), "the session ran on every worker");
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aWorkerKilledInTheMiddleOfASessionCostsAtMostItsRequest() throws Exception {
        PythonPool p = start(2);
        Response made = ok(p, create("s2"));
        long pid = p.workers().stream().filter(w -> w.workerId().equals(made.workerId())).findFirst().orElseThrow().pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Await.until("the worker is replaced", () -> !p.pids().contains(pid) && p.stats().workers() == 2);
        for (int i = 0; i < 4; i++) {
            assertEquals("pos", ok(p, execute("s2")).result().getAsJsonObject().get("output").getAsString());
        }
    }

    @Test
    void theStoreIsBoundedAndAForgottenSessionSaysSo() throws Exception {
        PythonPool p = start(1);
        for (String s : List.of("a", "b", "c", "d")) {
            ok(p, create(s));
            clock.addAndGet(1000);
        }
        assertEquals(3, store.size(), "at most 3 sessions");
        assertTrue(store.get("a").isEmpty(), "the least recently used went first");
        PoolerException e;
        try {
            ok(p, execute("a"));
            throw new AssertionError("expected a refusal");
        } catch (java.util.concurrent.ExecutionException x) {
            e = PoolerException.of(x);
        }
        assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("forgotten"), e.getMessage());
        ok(p, create("a")); // then it starts afresh
        SessionState again = store.get("a").orElseThrow();
        assertEquals(1, again.version());
        clock.addAndGet(TimeUnit.HOURS.toMillis(2));
        assertEquals(0, store.size(), "unused past the time to live: all expired");
    }

    private static int bytes(SessionState s) {
        return s.stateJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Test
    void availabilityIsAvailablePartialOrMissingAsTheWorkersHoldTheSession() throws Exception {
        PythonPool p = start(3);
        SessionAvailability none = p.availability("s3");
        assertEquals(SessionAvailability.Status.MISSING, none.status(), "the store holds nothing of it");
        assertEquals(3, none.workers());
        ok(p, create("s3"));
        SessionAvailability one = p.availability("s3");
        assertEquals(SessionAvailability.Status.PARTIAL, one.status());
        assertEquals(1, one.version());
        assertEquals(1, one.workersHolding(), "only the worker that made it");
        assertTrue(one.inPool());

        SessionTraffic before = runtime.shipping().traffic();
        SessionAvailability all = p.push("s3").get(30, TimeUnit.SECONDS);
        assertEquals(SessionAvailability.Status.AVAILABLE, all.status());
        assertEquals(3, all.workersHolding());
        SessionTraffic after = runtime.shipping().traffic();
        assertEquals(2, after.pushes() - before.pushes(), "pushed to the two workers lacking it, not the third");
        assertEquals(2L * bytes(store.get("s3").orElseThrow()), after.bytesPushed() - before.bytesPushed());

        assertEquals(after.pushes(), runtime.shipping().traffic().pushes());
        assertEquals(3, p.push("s3").get(30, TimeUnit.SECONDS).workersHolding());
        assertEquals(after.pushes(), runtime.shipping().traffic().pushes(), "a second push finds nothing to send");

        // every worker holds version 1: the next request runs without the state travelling, and makes version 2,
        // which only the worker that ran it holds
        ok(p, execute("s3"));
        assertEquals(after.bytesWithRequests(), runtime.shipping().traffic().bytesWithRequests());
        SessionAvailability changed = p.availability("s3");
        assertEquals(2, changed.version());
        assertEquals(SessionAvailability.Status.PARTIAL, changed.status());
        assertEquals(1, changed.workersHolding());
    }

    @Test
    void stateThatTravelsWithARequestIsCountedWhereItIsWritten() throws Exception {
        PythonPool p = start(2);
        ok(p, create("s4"));
        SessionTraffic before = runtime.shipping().traffic();
        // the worker that made it is busy (the most recently used takes the sleep): the other receives the state
        JsonObject ms = new JsonObject();
        ms.addProperty("ms", 500);
        CompletableFuture<Response> sleeping = p.execute(Request.builder("sleep").args(ms).build()).toCompletableFuture();
        Response ran = ok(p, execute("s4"));
        assertTrue(!ran.workerId().equals(sleeping.get(30, TimeUnit.SECONDS).workerId()));
        SessionTraffic after = runtime.shipping().traffic();
        assertEquals(bytes(store.get("s4").orElseThrow()), after.bytesWithRequests() - before.bytesWithRequests());
        assertEquals(0, after.bytesPushed() - before.bytesPushed());
        SessionAvailability a = p.availability("s4");
        assertEquals(2, a.version(), "the request changed the state");
        assertEquals(1, a.workersHolding(), "the worker that ran it holds version 2, the other still version 1");
    }

    @Test
    void withExplicitSyncOnlyAPoolTheSessionWasNotSyncedToRefusesItsRequests() throws Exception {
        PythonPool made = start(1);
        PythonPool other = start(2);
        ok(made, create("s5"));
        runtime.shipping().explicitSyncOnly(true);
        try {
            SessionTraffic before = runtime.shipping().traffic();
            PoolerException e;
            try {
                ok(other, execute("s5"));
                throw new AssertionError("expected a refusal");
            } catch (java.util.concurrent.ExecutionException x) {
                e = PoolerException.of(x);
            }
            assertEquals(ErrorKind.BAD_REQUEST, e.kind());
            assertTrue(e.getMessage().contains("not synced to pool " + other.id()) && e.getMessage().contains("syncSession"),
                    e.getMessage());
            assertTrue(!e.reachedWorker());
            assertEquals(before, runtime.shipping().traffic(), "nothing was shipped");
            SessionAvailability a = other.availability("s5");
            assertEquals(SessionAvailability.Status.PARTIAL, a.status());
            assertEquals(0, a.workersHolding());
            assertTrue(!a.inPool());

            // the pool it began in ships it among its own workers as usual
            assertEquals("pos", ok(made, execute("s5")).result().getAsJsonObject().get("output").getAsString());

            assertEquals(SessionAvailability.Status.AVAILABLE, other.push("s5").get(30, TimeUnit.SECONDS).status());
            assertTrue(other.availability("s5").inPool());
            assertEquals("pos", ok(other, execute("s5")).result().getAsJsonObject().get("output").getAsString());
            // a new session starts anywhere
            ok(other, create("s6"));
        } finally {
            runtime.shipping().explicitSyncOnly(false);
        }
    }

    // --- sessions the store lets go are ended on the workers ------------------------------------------

    private final PoolLookup lookup = new PoolLookup() {
        @Override
        public Optional<PythonPool> pool(String poolId) {
            return pools.stream().filter(p -> p.id().equals(poolId)).findFirst();
        }

        @Override
        public Collection<PythonPool> pools() {
            return List.copyOf(pools);
        }
    };

    /** What each worker of the pool says it holds of sessions ({@code testing} adapter), by pid. */
    private static Map<Long, JsonObject> heldByEachWorker(PythonPool p) throws Exception {
        Set<Long> pids = new HashSet<>(p.pids());
        Map<Long, JsonObject> held = new HashMap<>();
        for (int round = 0; round < 50 && !held.keySet().containsAll(pids); round++) {
            List<CompletableFuture<Response>> asked = new ArrayList<>();
            for (int i = 0; i < pids.size(); i++) {
                // each ask holds its worker a while, so the asks of one round cannot all reach the same worker
                asked.add(p.execute(Request.builder("sessions").args(hold(round == 0 ? 0 : 200)).build()).toCompletableFuture());
            }
            for (CompletableFuture<Response> a : asked) {
                JsonObject r = a.get(30, TimeUnit.SECONDS).result().getAsJsonObject();
                held.put(r.get("pid").getAsLong(), r);
            }
        }
        assertEquals(pids, held.keySet(), "every worker answered");
        return held;
    }

    private static JsonObject hold(int ms) {
        JsonObject a = new JsonObject();
        a.addProperty("hold_ms", ms);
        return a;
    }

    private long ended() {
        return runtime.shipping().traffic().sessionsEnded();
    }

    @Test
    void aDeletedSessionIsEndedOnEveryWorkerHoldingIt() throws Exception {
        PythonPool p = start(2);
        try (SessionEndings endings = SessionEndings.start(runtime, lookup)) {
            ok(p, create("e1"));
            ok(p, create("e2"));
            assertEquals(SessionAvailability.Status.AVAILABLE, p.push("e1").get(30, TimeUnit.SECONDS).status());
            for (JsonObject w : heldByEachWorker(p).values()) {
                assertTrue(w.getAsJsonObject("cached").has("e1"), "pushed to every worker: " + w);
            }
            long before = ended();
            assertTrue(store.delete("e1"));
            Await.until("both workers dropped e1", () -> ended() - before == 2);
            int holdingE2 = 0;
            for (JsonObject w : heldByEachWorker(p).values()) {
                assertTrue(!w.getAsJsonObject("cached").has("e1"), "e1 is gone from the worker: " + w);
                holdingE2 += w.getAsJsonObject("cached").has("e2") ? 1 : 0;
            }
            assertEquals(1, holdingE2, "e2 stays where it was made");
            assertEquals(2, ended() - before, "nothing else was ended");
            assertEquals(0, p.availability("e1").workersHolding());
            assertTrue(!p.availability("e1").inPool());
            // the session starts afresh on the next request
            ok(p, create("e1"));
            assertEquals(1, store.get("e1").orElseThrow().version());
        }
    }

    @Test
    void evictedAndExpiredSessionsAreEndedOnTheirWorker() throws Exception {
        PythonPool p = start(1);
        try (SessionEndings endings = SessionEndings.start(runtime, lookup)) {
            long before = ended();
            for (String s : List.of("a", "b", "c", "d")) {
                ok(p, create(s));
                clock.addAndGet(1000);
            }
            Await.until("a, evicted past the bound of 3, is ended", () -> ended() - before == 1);
            JsonObject cached = heldByEachWorker(p).values().iterator().next().getAsJsonObject("cached");
            assertEquals(Set.of("b", "c", "d"), cached.keySet());

            clock.addAndGet(TimeUnit.HOURS.toMillis(2));
            endings.sweep(); // what the periodic sweep does: nobody else uses the store now
            Await.until("b, c and d, expired, are ended", () -> ended() - before == 4);
            assertEquals(0, heldByEachWorker(p).values().iterator().next().getAsJsonObject("cached").size());
            assertEquals(0, store.size());
        }
    }
}
