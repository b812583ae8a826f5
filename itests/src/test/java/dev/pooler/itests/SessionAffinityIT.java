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
import dev.pooler.api.affinity.SessionAffinity;
import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.routing.AffinityStrength;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
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
 * normal one moves there with its data and an event, and an affinity expires after its timeout.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SessionAffinityIT extends PoolerTestSupport {

    static final String AFFINITY_PID = "dev.pooler.affinity";
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
        Await.until("the affinity service is back on its defaults",
                () -> affinity().defaultStrength() == AffinityStrength.NORMAL, () -> affinity().defaultStrength().toString());
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
}
