package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.metrics.MultiPoolMetrics;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import dev.pooler.api.sharing.Loan;
import dev.pooler.api.sharing.WorkerMigration;
import dev.pooler.api.sharing.WorkerSharing;
import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * The worker-sharing bundle with real pools of real Python workers: loans follow load, policies and
 * limits hold, busy lenders get their workers back, and stopping the bundle sends every worker home
 * without losing a request. Throughput is compared side by side in one test, never against a clock.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerSharingIT extends PoolerTestSupport {

    static final String SHARING_PID = "dev.pooler.sharing";
    static final String SHARING_BUNDLE = "dev.pooler.sharing";
    static final Supplier<Request> SLEEP_50 = () -> Request.of("sleep", json("ms", 50));

    @Override
    @Configuration
    public Option[] config() {
        return PoolerPlatform.withSharing();
    }

    @After
    public void sendEveryWorkerHomeAndForgetTheSharingConfiguration() throws Exception {
        Bundle b = bundle(SHARING_BUNDLE);
        if (b.getState() != Bundle.ACTIVE) {
            b.start();
        }
        configureLoadBalancing(false);
        Await.until("no worker is lent", () -> lentWorkers().isEmpty(), () -> lentWorkers().toString());
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(SHARING_PID, "?");
        if (c.getProperties() != null) {
            c.delete();
        }
    }

    // ---- set-up helpers ----

    /** Worker sharing on or off, re-evaluated every second at least, migration threshold 0.7. */
    private void configureLoadBalancing(boolean sharing) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(LOADBALANCING_PID, "?");
        Hashtable<String, Object> next = new Hashtable<>();
        Dictionary<String, Object> p = c.getProperties();
        if (p != null) {
            for (String k : Collections.list(p.keys())) {
                next.put(k, p.get(k));
            }
        }
        next.put("worker.sharing.enabled", sharing);
        next.put("rebalance.interval", 1000L);
        next.put("migration.threshold", 0.7);
        c.update(next);
        Await.until("the router says worker sharing is " + (sharing ? "on" : "off"),
                () -> router().loadBalancing().workerSharingEnabled() == sharing && router().loadBalancing().rebalanceIntervalMs() == 1000L,
                () -> router().loadBalancing().toString());
    }

    /** Fast windows for tests (minimum loan 1 s, return window 2 s), plus the given limits; waits until the service has them. */
    private void configureSharing(Map<String, Object> limits) throws IOException {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("minimum.loan", 1L);
        p.put("return.window", 2L);
        p.put("max.moves.per.round", 4);
        p.putAll(limits);
        configAdmin.getConfiguration(SHARING_PID, "?").update(p);
        Await.until("the sharing service has its configuration", () -> {
            ServiceReference<WorkerSharing> ref = context.getServiceReference(WorkerSharing.class);
            return ref != null && limits.entrySet().stream()
                    .allMatch(e -> String.valueOf(e.getValue()).equals(String.valueOf(ref.getProperty(e.getKey()))));
        }, () -> "service properties of WorkerSharing differ");
    }

    private WorkerSharing sharing() {
        return service(WorkerSharing.class);
    }

    private <T> T service(Class<T> type) {
        return Await.value("the " + type.getSimpleName() + " service", () -> {
            ServiceReference<T> ref = context.getServiceReference(type);
            return ref == null ? null : context.getService(ref);
        });
    }

    /** The sharing bundle's admin section (core and other plug-ins publish sections of their own). */
    private AdminSection sharingSection() {
        String filter = "(" + AdminSection.SECTION + "=" + AdminSection.SHARING + ")";
        return Await.value("the sharing admin section", () -> {
            try {
                var refs = context.getServiceReferences(AdminSection.class, filter);
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    private List<WorkerInfo> lentWorkers() {
        return registry().pools().stream().flatMap(p -> p.workers().stream()).filter(WorkerInfo::lent).toList();
    }

    private Pool pool(String id, int size, String policy, String priority) throws IOException {
        createPool(id, Map.of("size", size, "sharing.policy", policy, "priority", priority, "adapter", "bench,testing"));
        return awaitPool(id, size);
    }

    private static void assertNoFailure(ClosedLoopLoad load) {
        if (!load.failures().isEmpty()) {
            throw new AssertionError(load.failures().size() + " of " + load.sent() + " requests failed; first: "
                    + load.failures().get(0));
        }
    }

    /** Completions of the load over {@code ms}, counted at the source. */
    private static long completionsDuring(ClosedLoopLoad load, long ms) throws InterruptedException {
        long before = load.completed();
        Thread.sleep(ms);
        return load.completed() - before;
    }

    // ---- tests ----

    /** The seed's "worker sharing improves overall throughput": the same overload, without sharing, then with it. */
    @Test
    public void workerSharingImprovesOverallThroughput() throws Exception {
        configureLoadBalancing(false);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 0.6));
        Pool hot = pool("it_share_hot", 2, "overflow", "high");
        Pool donor = pool("it_share_donor", 4, "overflow", "low");
        try (EventCollector events = EventCollector.register(context);
             ClosedLoopLoad load = ClosedLoopLoad.start(hot, 16, SLEEP_50)) {
            Thread.sleep(500);
            long without = completionsDuring(load, 4_000);
            assertEquals("no loan while sharing is off", 0, hot.stats().borrowed());

            configureLoadBalancing(true);
            Await.until("the hot pool borrowed 2 workers", () -> hot.stats().borrowed() == 2, () -> describe(hot) + " / " + describe(donor));
            long with = completionsDuring(load, 4_000);
            double ratio = with / (double) without;
            System.out.printf("WorkerSharingIT throughput with/without sharing: %d / %d = %.2f%n", with, without, ratio);
            assertTrue("throughput with sharing " + with + " vs without " + without + " = " + ratio + ", expected >= 1.2",
                    ratio >= 1.2);

            Event shared = events.await(PoolerEvents.WORKER_SHARED, e -> "started".equals(e.getProperty(PoolerEvents.LOAN_STATE)));
            assertEquals("it_share_donor", shared.getProperty(PoolerEvents.FROM_POOL));
            assertEquals("it_share_hot", shared.getProperty(PoolerEvents.TO_POOL));
            assertTrue(String.valueOf(shared.getProperty(PoolerEvents.SHARING_REASON)).contains("overloaded"));
            assertTrue(((Number) shared.getProperty(PoolerEvents.EFFICIENCY_GAIN)).doubleValue() > 0);
            assertTrue(shared.getProperty(PoolerEvents.DURATION) instanceof Long);

            WorkerSharingMetrics m = service(MultiPoolMetrics.class).comprehensiveMetrics().workerSharing();
            assertTrue(m.serviceAvailable());
            assertEquals(2, m.workersCurrentlyShared());
            assertEquals(1, m.activeSharingAgreements());
        }
        assertEquals(2, donor.stats().lent());
    }

    @Test
    public void aStrictPoolNeverLendsNorBorrows() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 1.0, "return.threshold", 1.0));
        Pool strictHot = pool("it_strict_hot", 2, "strict", "high");
        Pool strictIdle = pool("it_strict_idle", 4, "strict", "high");
        Pool hot = pool("it_overflow_hot", 1, "overflow", "low");
        Pool idle = pool("it_overflow_idle", 4, "overflow", "low");
        AtomicBoolean strictTouched = new AtomicBoolean();
        try (EventCollector events = EventCollector.register(context);
             ClosedLoopLoad a = ClosedLoopLoad.start(strictHot, 12, SLEEP_50);
             ClosedLoopLoad b = ClosedLoopLoad.start(hot, 12, SLEEP_50)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                for (Pool p : List.of(strictHot, strictIdle)) {
                    PoolStats s = p.stats();
                    if (s.lent() != 0 || s.borrowed() != 0) {
                        strictTouched.set(true);
                    }
                }
                Thread.sleep(50);
            }
            assertFalse("a strict pool lent or borrowed", strictTouched.get());
            assertTrue("the overflow pool did borrow (so sharing was at work): " + describe(hot), hot.stats().borrowed() > 0);
            for (Event e : events.received(PoolerEvents.WORKER_SHARED)) {
                for (String key : List.of(PoolerEvents.FROM_POOL, PoolerEvents.TO_POOL)) {
                    assertFalse("event " + e, String.valueOf(e.getProperty(key)).startsWith("it_strict"));
                }
            }
            assertNoFailure(a);
            assertNoFailure(b);
        }
        // Asked by hand, it is refused, naming the policy.
        try {
            sharing().requestWorkerLoan("it_overflow_hot", "it_strict_idle", 1).toCompletableFuture().join();
            fail("a strict pool lent a worker");
        } catch (CompletionException e) {
            PoolerException pe = PoolerException.of(e);
            assertEquals(ErrorKind.BAD_REQUEST, pe.kind());
            assertTrue(pe.getMessage(), pe.getMessage().contains("strict"));
        }
        assertEquals(4, idle.stats().workers() + idle.stats().lent());
    }

    @Test
    public void maxSharedPercentageHolds() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.34, "return.threshold", 1.0)); // 2 of 6
        Pool hot = pool("it_max_hot", 1, "overflow", "high");
        Pool donor = pool("it_max_donor", 6, "overflow", "low");
        AtomicInteger maxLent = new AtomicInteger();
        try (ClosedLoopLoad load = ClosedLoopLoad.start(hot, 30, SLEEP_50)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                maxLent.accumulateAndGet(donor.stats().lent(), Math::max);
                Thread.sleep(20);
            }
            assertEquals("at most 34 % of 6 workers lent, and that many were", 2, maxLent.get());
            assertNoFailure(load);
        }
    }

    @Test
    public void theDurationLimitHolds() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 0.6, "sharing.duration.limit", 3L));
        Pool hot = pool("it_limit_hot", 2, "overflow", "high");
        pool("it_limit_donor", 4, "overflow", "low");
        long oldest = 0;
        try (EventCollector events = EventCollector.register(context);
             ClosedLoopLoad load = ClosedLoopLoad.start(hot, 16, SLEEP_50)) {
            Await.until("the hot pool borrowed", () -> hot.stats().borrowed() > 0, () -> describe(hot));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < end) {
                long now = System.currentTimeMillis();
                for (Loan l : sharing().loans()) {
                    oldest = Math.max(oldest, now - l.sinceMillis());
                }
                Thread.sleep(50);
            }
            Event expired = events.await(PoolerEvents.WORKER_SHARED, e -> "ended".equals(e.getProperty(PoolerEvents.LOAN_STATE)));
            assertTrue(String.valueOf(expired.getProperty(PoolerEvents.SHARING_REASON)),
                    String.valueOf(expired.getProperty(PoolerEvents.SHARING_REASON)).contains("expired"));
            assertTrue(((Long) expired.getProperty(PoolerEvents.DURATION)) >= 3_000);
            assertNoFailure(load);
        }
        // A round runs at least every second while loans are out, and a return takes a moment.
        assertTrue("a loan lasted " + oldest + " ms with a limit of 3 s", oldest >= 2_000 && oldest < 5_000);
    }

    @Test
    public void aBusyLenderGetsItsWorkersBack() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 0.5));
        Pool hot = pool("it_recall_hot", 2, "overflow", "medium");
        Pool donor = pool("it_recall_donor", 4, "overflow", "medium");
        try (EventCollector events = EventCollector.register(context);
             ClosedLoopLoad hotLoad = ClosedLoopLoad.start(hot, 16, SLEEP_50)) {
            Await.until("the hot pool borrowed 2 workers", () -> donor.stats().lent() == 2, () -> describe(donor));
            try (ClosedLoopLoad donorLoad = ClosedLoopLoad.start(donor, 4, SLEEP_50)) {
                Await.until("the busy lender has its workers back", () -> donor.stats().lent() == 0, () -> describe(donor));
                assertEquals(4, donor.stats().workers());
                Event back = events.await(PoolerEvents.WORKER_SHARED, e -> "ended".equals(e.getProperty(PoolerEvents.LOAN_STATE)));
                assertTrue(String.valueOf(back.getProperty(PoolerEvents.SHARING_REASON)),
                        String.valueOf(back.getProperty(PoolerEvents.SHARING_REASON)).contains("busy"));
                // While it stays busy it lends nothing again.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < end) {
                    assertEquals(describe(donor), 0, donor.stats().lent());
                    Thread.sleep(50);
                }
                assertNoFailure(donorLoad);
            }
            assertNoFailure(hotLoad);
        }
    }

    @Test
    public void stoppingTheBundleSendsEveryWorkerHomeAndLosesNoRequest() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 0.6));
        Pool hot = pool("it_stop_hot", 2, "overflow", "high");
        Pool donor = pool("it_stop_donor", 4, "overflow", "low");
        Bundle sharingBundle = bundle(SHARING_BUNDLE);
        try (ClosedLoopLoad load = ClosedLoopLoad.start(hot, 16, () -> Request.of("sleep", json("ms", 200)))) {
            Await.until("the hot pool borrowed 2 workers", () -> hot.stats().borrowed() == 2, () -> describe(hot));
            assertTrue(registry().rebalanceWorkers());
            sharingBundle.stop();
            assertTrue("every worker went home while the bundle stopped: " + lentWorkers(), lentWorkers().isEmpty());
            assertEquals(4, donor.stats().workers());
            assertEquals(2, hot.stats().workers());
            assertFalse("no sharing service left", registry().rebalanceWorkers());
            long before = load.completed();
            Await.until("the hot pool keeps serving", () -> load.completed() > before + 10, () -> describe(hot));
            sharingBundle.start();
            Await.until("loans resume once the bundle is back", () -> hot.stats().borrowed() == 2, () -> describe(hot));
            load.close();
            assertNoFailure(load);
        }
    }

    @Test
    public void loansReturnAndMigrationThroughTheAdminSectionAndTheServices() throws Exception {
        // Sharing on (off, the loans would go home), but nothing overloaded and a long return window: only
        // the test's own loans and moves happen.
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 1.0, "return.window", 600L));
        Pool a = pool("it_admin_a", 2, "overflow", "medium");
        Pool b = pool("it_admin_b", 4, "adaptive", "medium");
        List<Loan> loans = sharing().requestWorkerLoan("it_admin_a", "it_admin_b", 2).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(2, loans.size());
        assertEquals(4, a.stats().workers());
        assertEquals(2, b.stats().lent());
        try (ClosedLoopLoad load = ClosedLoopLoad.start(a, 1, SLEEP_50)) {
            AdminSection section = sharingSection();
            AdminTable table = section.tables().stream().filter(t -> t.name().equals("loans")).findFirst().orElseThrow();
            assertEquals(2, table.rows().size());
            String worker = loans.get(0).workerId();
            String message = section.perform(AdminAction.RETURN_LOAN, Map.of("worker", worker));
            assertTrue(message, message.contains("it_admin_b"));
            assertEquals(1, b.stats().lent());

            // Migrate an own worker of a, under load, immediately, to b: then it is lent by a to b.
            String own = a.workers().stream().filter(w -> !w.lent()).findFirst().orElseThrow().workerId();
            Map<String, String> params = new HashMap<>(Map.of("worker", own, "to_pool", "it_admin_b", "mode", "immediate"));
            message = section.perform(AdminAction.MIGRATE, params);
            assertTrue(message, message.contains("it_admin_b"));
            assertEquals(1, b.stats().borrowed());

            // session_aware refuses a move that would re-target the worker (another adapter).
            createPool("it_admin_text", Map.of("size", 1, "sharing.policy", "overflow", "adapter", "text"));
            awaitPool("it_admin_text", 1);
            String movable = b.workers().stream().filter(w -> !w.lent()).findFirst().orElseThrow().workerId();
            try {
                service(WorkerMigration.class).migrateWorker(movable, "it_admin_b", "it_admin_text", WorkerMigration.Mode.SESSION_AWARE)
                        .toCompletableFuture().join();
                fail("session_aware moved a worker that must be re-targeted");
            } catch (CompletionException e) {
                assertEquals(ErrorKind.BAD_REQUEST, PoolerException.of(e).kind());
                assertTrue(e.getMessage(), e.getMessage().contains("session"));
            }
            try {
                section.perform(AdminAction.MIGRATE, Map.of("worker", own, "to_pool", "it_admin_a", "mode", "sideways"));
                fail("a bad mode was taken");
            } catch (PoolerException e) {
                assertEquals(ErrorKind.BAD_REQUEST, e.kind());
                assertTrue(e.getMessage(), e.getMessage().contains("mode"));
            }
            load.close();
            assertNoFailure(load);
        }
        WorkerSharingMetrics m = service(MultiPoolMetrics.class).comprehensiveMetrics().workerSharing();
        assertEquals(2, m.workersCurrentlyShared());
        assertEquals(1.0, m.migrationSuccessRate(), 1e-9);
        assertTrue(m.sharingDurationStats().count() >= 1);
    }

    @Test
    public void whileSharingIsOffNothingIsLentEvenByHand() throws Exception {
        configureLoadBalancing(false);
        pool("it_off_a", 1, "overflow", "medium");
        pool("it_off_b", 4, "overflow", "medium");
        try {
            sharing().requestWorkerLoan("it_off_a", "it_off_b", 1).toCompletableFuture().join();
            fail("lent while sharing is off");
        } catch (CompletionException e) {
            assertEquals(ErrorKind.BAD_REQUEST, PoolerException.of(e).kind());
            assertTrue(e.getMessage(), e.getMessage().contains("worker.sharing.enabled"));
        }
        assertFalse(registry().rebalanceWorkers());
        assertEquals(0, registry().pool("it_off_b").orElseThrow().stats().lent());
    }

    @Test
    public void aBadConfigurationValueIsRefusedAndTheLimitsInForceStay() throws Exception {
        configureLoadBalancing(true);
        configureSharing(Map.of("max.shared.percentage", 0.5, "return.threshold", 1.0, "return.window", 600L));
        try (EventCollector events = EventCollector.register(context)) {
            Hashtable<String, Object> bad = new Hashtable<>(Map.of("max.shared.percentage", 1.5));
            configAdmin.getConfiguration(SHARING_PID, "?").update(bad);
            Event rejected = events.await(PoolerEvents.CONFIG_REJECTED, e -> SHARING_PID.equals(e.getProperty("pid")));
            assertEquals("max_shared_percentage", rejected.getProperty(PoolerEvents.FIELD));
        }
        Pool a = pool("it_badcfg_a", 2, "overflow", "medium");
        pool("it_badcfg_b", 4, "overflow", "medium");
        List<Loan> loans = sharing().requestWorkerLoan("it_badcfg_a", "it_badcfg_b", 4).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("0.5 of 4 still holds", 2, loans.size());
        assertEquals(4, a.stats().workers());
    }
}
