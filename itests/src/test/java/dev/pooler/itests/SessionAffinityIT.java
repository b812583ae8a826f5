package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.affinity.CrossPoolSessionManager;
import dev.pooler.api.affinity.PoolSelector;
import dev.pooler.api.affinity.SessionAffinity;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.affinity.SessionOptions;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.routing.AffinityStrength;
import dev.pooler.api.session.SessionAvailability;
import dev.pooler.api.session.SessionState;
import dev.pooler.api.session.SessionStore;
import dev.pooler.api.session.SessionSync;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.osgi.framework.Bundle;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * The session-affinity bundle with real pools of real Python workers: a session keeps its pool while other
 * clients load the pools (the seed's test), a pinned session fails as documented when its pool stops while a
 * normal one moves there with its data and an event, an affinity expires after its timeout, the three
 * {@code session_data_sync} modes and the available/partial/missing check against the workers' real caches,
 * the mappings survive a restart of the bundle, and a thousand sessions keep their pools under load while the
 * session store's bound holds.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SessionAffinityIT extends PoolerTestSupport {

    static final String AFFINITY_PID = "dev.pooler.affinity";
    static final String SESSIONS_PID = "dev.pooler.sessions";
    static final String AFFINITY_BUNDLE = "dev.pooler.affinity";
    static final Map<String, Object> TEXT_POOL = Map.of("size", 2, "adapter", "bench,text", "capabilities", "all");

    @Override
    @Configuration
    public Option[] config() {
        return PoolerPlatform.options(PoolerPlatform.affinity());
    }

    @After
    public void forgetTheAffinityConfiguration() throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(AFFINITY_PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        org.osgi.service.cm.Configuration store = configAdmin.getConfiguration(SESSIONS_PID, "?");
        if (store.getProperties() != null) {
            store.delete();
        }
        Await.until("the affinity service is back on its defaults",
                () -> affinity().defaultStrength() == AffinityStrength.NORMAL && affinity().dataSync() == SessionDataSync.LAZY,
                () -> affinity().defaultStrength() + ", " + affinity().dataSync());
        Await.until("the session store is back on its defaults", () -> store().maxSessions() == 10_000,
                () -> "max " + store().maxSessions());
        for (SessionMapping m : affinity().mappings()) {
            affinity().forget(m.sessionId());
        }
    }

    private <T> T service(Class<T> type, String filter) {
        return Await.value("the " + type.getSimpleName() + " service", () -> {
            try {
                var refs = context.getServiceReferences(type, filter);
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    private SessionAffinity affinity() {
        return service(SessionAffinity.class, null);
    }

    private SessionStore store() {
        return service(SessionStore.class, null);
    }

    private SessionAffinityMetrics affinityMetrics() {
        return service(MultiPoolMetrics.class, null).comprehensiveMetrics().sessionAffinity();
    }

    private void configureAffinity(String key, String value) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(AFFINITY_PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        c.update(p);
    }

    private void useSync(SessionDataSync mode) throws Exception {
        configureAffinity("session.data.sync", mode.value());
        Await.until("session_data_sync is " + mode.value(), () -> affinity().dataSync() == mode,
                () -> affinity().dataSync().toString());
    }

    /** UTF-8 bytes of the session's state in the store: what one push puts on a worker's pipe. */
    private int stateBytes(String session) {
        return store().get(session).orElseThrow().stateJson().getBytes(StandardCharsets.UTF_8).length;
    }

    private static String otherOf(String pool) {
        return pool.equals("it_aff_left") ? "it_aff_right" : "it_aff_left";
    }

    private PoolerException failureOf(String session, String command, JsonObject args, SessionOptions options) {
        try {
            Response r = sessions().executeInSession(session, command, args, options).toCompletableFuture().join();
            throw new AssertionError("expected a failure, got " + r);
        } catch (CompletionException e) {
            return PoolerException.of(e);
        }
    }

    private CrossPoolSessionManager sessions() {
        return service(CrossPoolSessionManager.class, null);
    }

    private AdminSection section() {
        return service(AdminSection.class, "(" + AdminSection.SECTION + "=" + AdminSection.AFFINITY + ")");
    }

    private Response run(String session, String command, JsonObject args) {
        try {
            return sessions().executeInSession(session, command, args).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw PoolerException.of(e);
        }
    }

    private String poolOf(String session) {
        return affinity().mapping(session).map(SessionMapping::poolId).orElse(null);
    }

    /** Two pools that serve everything (bench and text adapters). */
    private void twoTextPools() throws Exception {
        createPool("it_aff_left", TEXT_POOL);
        createPool("it_aff_right", TEXT_POOL);
        awaitPool("it_aff_left", 2);
        awaitPool("it_aff_right", 2);
    }

    /** Clients that keep both pools busy with short requests (routed by the strategy) until stopped. */
    private final class Load implements AutoCloseable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();

        Load(int clients) {
            for (int i = 0; i < clients; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            router().route(Request.of("sleep", json("ms", 5))).toCompletableFuture().join();
                            answered.incrementAndGet();
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }, "it-load-" + i);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Test
    public void sessionMaintainsAffinityAcrossRequests() throws Exception {
        twoTextPools();
        String session = "test_session_" + (int) (Math.random() * 1000);
        Load load = new Load(6);
        try {
            Await.until("the other clients are being answered", () -> load.answered.get() > 20, () -> load.answered + " answers");
            Response created = run(session, "create_program", json("id", "test_program"));
            String initialPool = poolOf(session);
            assertEquals("the first request's pool becomes the session's", created.poolId(), initialPool);
            for (int i = 1; i <= 10; i++) {
                Response r = run(session, "execute_program", json("program_id", "test_program", "input", "hello " + i));
                assertEquals("request " + i + " ran on the session's pool", initialPool, r.poolId());
                assertEquals(initialPool, poolOf(session));
                assertEquals(i, r.result().getAsJsonObject().get("executions").getAsInt());
            }
        } finally {
            load.close();
        }
        if (load.failure.get() != null) {
            throw new AssertionError("a loading client failed", load.failure.get());
        }
        SessionMapping m = affinity().mapping(session).orElseThrow();
        assertEquals("the ten requests routed by the affinity (the first one set it)", 10, m.requestCount());
        assertEquals(AffinityStrength.NORMAL, m.strength());

        AdminTable table = section().tables().stream().filter(t -> t.name().equals("sessions")).findFirst().orElseThrow();
        List<String> row = table.rows().stream().filter(r -> r.get(0).equals(session)).findFirst().orElseThrow();
        assertEquals(List.of(session, m.poolId(), "normal", "10"), row.subList(0, 4));

        SessionAffinityMetrics metrics = service(MultiPoolMetrics.class, null).comprehensiveMetrics().sessionAffinity();
        assertTrue(metrics.serviceAvailable());
        assertEquals(Integer.valueOf(1), metrics.sessionsByPool().get(m.poolId()));
        assertEquals(1.0, metrics.affinityHitRate(), 0.0);
    }

    @Test
    public void aPinnedSessionFailsWhenItsPoolStopsAndANormalOneMovesWithItsData() throws Exception {
        org.osgi.service.cm.Configuration left = createPool("it_aff_left", TEXT_POOL);
        createPool("it_aff_right", TEXT_POOL);
        awaitPool("it_aff_left", 2);
        awaitPool("it_aff_right", 2);
        try (EventCollector events = EventCollector.register(context)) {
            run("pinned", "create_program", json("id", "p"));
            run("normal", "create_program", json("id", "p"));
            String message = section().perform(AdminAction.PIN_SESSION, Map.of("session", "pinned", "pool", "it_aff_left"));
            assertTrue(message, message.contains("pinned"));
            affinity().establishAffinity("normal", "it_aff_left", AffinityStrength.NORMAL);
            assertEquals(AffinityStrength.PINNED, affinity().mapping("pinned").orElseThrow().strength());
            assertEquals("it_aff_left", run("pinned", "execute_program", json("program_id", "p")).poolId());

            left.delete();
            Await.until("pool it_aff_left is gone", () -> registry().pool("it_aff_left").isEmpty());

            try {
                run("pinned", "execute_program", json("program_id", "p"));
                fail("a pinned session whose pool is gone must fail");
            } catch (PoolerException e) {
                assertEquals(e.toString(), ErrorKind.NO_CAPABLE_POOL, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("pinned to pool 'it_aff_left'"));
            }
            assertEquals("it_aff_left", poolOf("pinned"));

            Response moved = run("normal", "execute_program", json("program_id", "p"));
            assertEquals("it_aff_right", moved.poolId());
            assertEquals("the program came along with the session", "p",
                    moved.result().getAsJsonObject().get("program_id").getAsString());
            assertEquals("it_aff_right", poolOf("normal"));
            Event e = events.await(PoolerEvents.SESSION_MIGRATED, ev -> "normal".equals(ev.getProperty(PoolerEvents.SESSION_ID)));
            assertEquals("it_aff_left", e.getProperty(PoolerEvents.FROM_POOL));
            assertEquals("it_aff_right", e.getProperty(PoolerEvents.TO_POOL));
            assertEquals("pool_gone", e.getProperty(PoolerEvents.REASON));
            assertTrue(String.valueOf(e.getProperty(PoolerEvents.DATA_SIZE)), ((Number) e.getProperty(PoolerEvents.DATA_SIZE)).intValue() > 0);
            assertTrue(e.getProperty(PoolerEvents.MIGRATION_TIME) instanceof Number);
            assertEquals(1, events.received(PoolerEvents.SESSION_MIGRATED).size());
            assertEquals(1, affinity().stats().migrations());
        }
    }

    @Test
    public void anAffinityExpiresAfterItsTimeout() throws Exception {
        twoTextPools();
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(AFFINITY_PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("affinity.timeout", "3");
        p.put("default.strength", "strong");
        c.update(p);
        Await.until("the affinity configuration is applied", () -> affinity().defaultStrength() == AffinityStrength.STRONG,
                () -> affinity().defaultStrength().toString());

        run("short", "create_program", json("id", "p"));
        SessionMapping first = affinity().mapping("short").orElseThrow();
        assertEquals(AffinityStrength.STRONG, first.strength());
        Await.until("the affinity has expired", () -> affinity().mapping("short").isEmpty(),
                () -> affinity().mapping("short").toString());
        assertTrue(affinity().mappings().stream().noneMatch(m -> m.sessionId().equals("short")));

        // the session is placed afresh; its data (kept by the store for its own time to live) is still there
        Response again = run("short", "execute_program", json("program_id", "p"));
        SessionMapping second = affinity().mapping("short").orElseThrow();
        assertEquals(again.poolId(), second.poolId());
        assertTrue(second.establishedMillis() > first.establishedMillis());

        // a bad value is refused naming the field, and the settings in force stay
        try (EventCollector events = EventCollector.register(context)) {
            p.put("affinity.timeout", "soon");
            c.update(p);
            Event e = events.await(PoolerEvents.CONFIG_REJECTED, ev -> AFFINITY_PID.equals(ev.getProperty("pid")));
            assertEquals("affinity_timeout", e.getProperty(PoolerEvents.FIELD));
            assertEquals(AffinityStrength.STRONG, affinity().defaultStrength());
        }
    }

    @Test
    public void eagerSyncPushesTheDataToThePoolTheAffinityIsSetOnLazyDoesNot() throws Exception {
        twoTextPools();
        String lazyPool = run("lazy_s", "create_program", json("id", "p")).poolId();
        Await.until("the lazy session's first answer is in", () -> store().get("lazy_s").isPresent());
        SessionAvailability lazy = sessions().sessionDataAvailability("lazy_s", lazyPool);
        assertEquals("lazy: only the worker that made it holds it", SessionAvailability.Status.PARTIAL, lazy.status());
        assertEquals(1, lazy.workersHolding());
        assertEquals(2, lazy.workers());

        useSync(SessionDataSync.EAGER);
        long pushedBefore = affinityMetrics().bytesPushed();
        long syncedBefore = affinityMetrics().bytesSynced();
        String ranOn = run("eager_s", "create_program", json("id", "p")).poolId();
        String home = poolOf("eager_s");
        Await.until("eager: the session's pool holds it on every worker",
                () -> sessions().sessionDataAvailability("eager_s", home).status() == SessionAvailability.Status.AVAILABLE,
                () -> sessions().sessionDataAvailability("eager_s", home).toString());
        String other = otherOf(home);
        SessionAvailability there = sessions().sessionDataAvailability("eager_s", other);
        assertEquals(SessionAvailability.Status.PARTIAL, there.status());
        assertEquals(0, there.workersHolding());

        affinity().establishAffinity("eager_s", other, AffinityStrength.NORMAL);
        Await.until("eager: the pool the affinity moved to holds it on every worker",
                () -> sessions().sessionDataAvailability("eager_s", other).status() == SessionAvailability.Status.AVAILABLE,
                () -> sessions().sessionDataAvailability("eager_s", other).toString());
        assertEquals(2, sessions().sessionDataAvailability("eager_s", other).workersHolding());
        // one push to the home pool's second worker (two if bounded load placed it away from where it ran), two to
        // the other pool: counted where they were written
        long expected = (home.equals(ranOn) ? 3L : 4L) * stateBytes("eager_s");
        Await.until("the metrics count the pushed bytes", () -> affinityMetrics().bytesPushed() - pushedBefore == expected,
                () -> (affinityMetrics().bytesPushed() - pushedBefore) + " bytes pushed, expected " + expected);
        assertTrue(affinityMetrics().bytesSynced() - syncedBefore >= expected);
        assertEquals(affinityMetrics().bytesSynced(), affinity().stats().bytesSynced());

        Response r = run("eager_s", "execute_program", json("program_id", "p"));
        assertEquals(other, r.poolId());
        assertEquals(1, r.result().getAsJsonObject().get("executions").getAsInt());
        assertEquals("the state was there already: nothing more was pushed", expected,
                affinityMetrics().bytesPushed() - pushedBefore);
    }

    @Test
    public void aDeletedSessionIsEndedOnEveryWorkerOfEveryPoolHoldingIt() throws Exception {
        twoTextPools();
        String home = run("ended_s", "create_program", json("id", "p")).poolId();
        String other = otherOf(home);
        SessionSync sync = service(SessionSync.class, null);
        for (String pool : List.of(home, other)) {
            assertEquals(SessionAvailability.Status.AVAILABLE,
                    sessions().syncSession("ended_s", pool).toCompletableFuture().get(30, TimeUnit.SECONDS).status());
        }
        long before = sync.traffic().sessionsEnded();
        assertTrue(store().delete("ended_s"));
        Await.until("the four workers dropped the session", () -> sync.traffic().sessionsEnded() - before == 4,
                () -> (sync.traffic().sessionsEnded() - before) + " workers dropped it");
        for (String pool : List.of(home, other)) {
            SessionAvailability a = sessions().sessionDataAvailability("ended_s", pool);
            assertEquals(SessionAvailability.Status.MISSING, a.status());
            assertEquals(0, a.workersHolding());
            assertTrue("no longer in pool " + pool, !a.inPool());
        }
        // it starts afresh: a program it had is unknown
        PoolerException e = failureOf("ended_s", "execute_program", json("program_id", "p"), SessionOptions.DEFAULT);
        assertTrue(e.getMessage(), e.getMessage().contains("unknown program"));
    }

    @Test
    public void manualSyncRefusesAPoolTheSessionWasNotSyncedToUntilSyncSession() throws Exception {
        twoTextPools();
        useSync(SessionDataSync.MANUAL);
        Response created = run("manual_s", "create_program", json("id", "p"));
        String home = poolOf("manual_s");
        assertEquals("manual: the session keeps the pool that holds its data", created.poolId(), home);
        String other = otherOf(home);
        assertEquals(SessionAvailability.Status.MISSING, sessions().sessionDataAvailability("never_used", home).status());

        SessionAvailability before = sessions().sessionDataAvailability("manual_s", other);
        assertEquals(SessionAvailability.Status.PARTIAL, before.status());
        assertEquals(0, before.workersHolding());
        assertTrue(!before.inPool());
        long synced = affinityMetrics().bytesSynced();
        PoolerException refused = failureOf("manual_s", "execute_program", json("program_id", "p"),
                SessionOptions.selector(PoolSelector.pool(other)));
        assertEquals(refused.toString(), ErrorKind.BAD_REQUEST, refused.kind());
        assertTrue(refused.getMessage(), refused.getMessage().contains("not synced to pool " + other)
                && refused.getMessage().contains("syncSession"));
        assertEquals("nothing was shipped", synced, affinityMetrics().bytesSynced());

        // in its own pool the session runs, its state moving between that pool's workers as usual
        assertEquals(home, run("manual_s", "execute_program", json("program_id", "p")).poolId());
        synced = affinityMetrics().bytesSynced();

        SessionAvailability after = sessions().syncSession("manual_s", other).toCompletableFuture().join();
        assertEquals(SessionAvailability.Status.AVAILABLE, after.status());
        assertEquals(2, after.workersHolding());
        assertTrue(after.inPool());
        assertEquals(2L * stateBytes("manual_s"), affinityMetrics().bytesSynced() - synced);
        Response there = sessions().executeInSession("manual_s", "execute_program", json("program_id", "p"),
                SessionOptions.selector(PoolSelector.pool(other))).toCompletableFuture().join();
        assertEquals(other, there.poolId());
        assertEquals("the synced state carried the first execution", 2,
                there.result().getAsJsonObject().get("executions").getAsInt());

        try {
            sessions().sessionDataAvailability("manual_s", "no_such_pool");
            fail("an unknown pool is a bad request");
        } catch (PoolerException e) {
            assertEquals(ErrorKind.BAD_REQUEST, e.kind());
        }
    }

    @Test
    public void theMappingsSurviveARestartOfTheBundle() throws Exception {
        twoTextPools();
        Map<String, SessionMapping> before = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            run("restart_" + i, "create_program", json("id", "p"));
        }
        affinity().establishAffinity("restart_0", "it_aff_right", AffinityStrength.PINNED);
        affinity().establishAffinity("restart_1", "it_aff_left", AffinityStrength.STRONG);
        for (int i = 0; i < 8; i++) {
            before.put("restart_" + i, affinity().mapping("restart_" + i).orElseThrow());
        }
        Bundle b = bundle(AFFINITY_BUNDLE);
        b.stop();
        Await.until("the affinity services are gone", () -> context.getServiceReference(SessionAffinity.class) == null);
        // routing works without affinity, and the session's data is still there
        Response without = router().route(Request.builder("execute_program").args(json("program_id", "p"))
                .session("restart_2").build()).toCompletableFuture().join();
        assertEquals(1, without.result().getAsJsonObject().get("executions").getAsInt());

        b.start();
        for (Map.Entry<String, SessionMapping> e : before.entrySet()) {
            SessionMapping m = affinity().mapping(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " lost"));
            assertEquals(e.getKey(), e.getValue().poolId(), m.poolId());
            assertEquals(e.getKey(), e.getValue().strength(), m.strength());
            assertEquals(e.getKey(), e.getValue().establishedMillis(), m.establishedMillis());
        }
        for (Map.Entry<String, SessionMapping> e : before.entrySet()) {
            assertEquals("routed to its pool after the restart", e.getValue().poolId(),
                    run(e.getKey(), "execute_program", json("program_id", "p")).poolId());
        }
    }

    @Test
    public void aThousandSessionsKeepTheirAffinityUnderLoadAndTheStoreBoundHolds() throws Exception {
        twoTextPools();
        org.osgi.service.cm.Configuration storeConfig = configAdmin.getConfiguration(SESSIONS_PID, "?");
        Hashtable<String, Object> bound = new Hashtable<>();
        bound.put("max.sessions", 1000);
        storeConfig.update(bound);
        Await.until("the store holds at most 1000 sessions", () -> store().maxSessions() == 1000);
        int n = 1000;
        long hitsBefore = affinity().stats().hits();
        long missesBefore = affinity().stats().misses();
        Map<String, String> firstPool = new ConcurrentHashMap<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(16);
        Load load = new Load(4);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String session = "k_" + i;
                all.add(clients.submit(() -> {
                    run(session, "create_program", json("id", "p"));
                    String pool = poolOf(session);
                    firstPool.put(session, pool);
                    for (int k = 1; k <= 2; k++) {
                        Response r = run(session, "execute_program", json("program_id", "p"));
                        if (!r.poolId().equals(pool) || r.result().getAsJsonObject().get("executions").getAsInt() != k) {
                            wrong.add(session + " ran on " + r.poolId() + " (its pool " + pool + "): " + r.result());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            clients.shutdown();
            load.close();
        }
        if (load.failure.get() != null) {
            throw new AssertionError("a loading client failed", load.failure.get());
        }
        assertEquals(wrong.toString(), List.of(), wrong);
        assertEquals("every session request of the thousand ran on its pool", 0, affinity().stats().misses() - missesBefore);
        assertTrue(affinity().stats().hits() - hitsBefore >= 2L * n);
        Map<String, Integer> perPool = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SessionMapping m = affinity().mapping("k_" + i).orElseThrow();
            assertEquals(firstPool.get("k_" + i), m.poolId());
            perPool.merge(m.poolId(), 1, Integer::sum);
        }
        assertTrue("bounded load: " + perPool, perPool.values().stream().allMatch(c -> c <= Math.ceil(1.25 * (n + 1) / 2)));

        // the bound: 100 more sessions push out the 100 least recently used
        List<SessionState> byRecency = store().sessions();
        assertEquals(1000, byRecency.size());
        List<String> oldest = byRecency.subList(900, 1000).stream().map(SessionState::sessionId).toList();
        for (int i = 0; i < 100; i++) {
            run("late_" + i, "create_program", json("id", "p"));
        }
        assertEquals(1000, store().size());
        for (String session : oldest) {
            assertTrue(session, store().get(session).isEmpty());
            PoolerException e = failureOf(session, "execute_program", json("program_id", "p"), SessionOptions.DEFAULT);
            assertEquals(e.toString(), ErrorKind.BAD_REQUEST, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("was forgotten by the session store"));
        }
        // said once: the next request starts the session afresh
        String again = oldest.get(0);
        assertEquals("p", run(again, "create_program", json("id", "p")).result().getAsJsonObject().get("program_id").getAsString());
    }
}
