package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.sharing.WorkerMigration;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

/** Live migration through {@link WorkerMigration}, each mode under load, and a worker killed on the way. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerMigrationIT extends PoolerTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        return PoolerPlatform.withSharing();
    }

    @After
    public void everyWorkerHome() throws Exception {
        Await.until("no worker is lent", () -> registry().pools().stream().allMatch(p -> p.stats().lent() == 0),
                () -> registry().pools().toString());
    }

    /**
     * Sharing on (a migration away from a worker's owner is refused while it is off); the tests' pools are
     * all overloaded or all idle, so the rebalancer itself lends nothing.
     */
    private void sharingOn() throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(LOADBALANCING_PID, "?");
        Hashtable<String, Object> next = new Hashtable<>();
        Dictionary<String, Object> p = c.getProperties();
        if (p != null) {
            for (String k : Collections.list(p.keys())) {
                next.put(k, p.get(k));
            }
        }
        next.put("worker.sharing.enabled", true);
        c.update(next);
        Await.until("worker sharing is on", () -> router().loadBalancing().workerSharingEnabled());
    }

    private WorkerMigration migration() {
        return Await.value("the WorkerMigration service", () -> {
            ServiceReference<WorkerMigration> ref = context.getServiceReference(WorkerMigration.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    private static WorkerInfo join(java.util.concurrent.CompletionStage<WorkerInfo> s) throws Exception {
        return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    public void everyModeUnderLoadLosesNoRequest() throws Exception {
        sharingOn();
        createPool("it_mig_x", Map.of("size", 2, "sharing.policy", "overflow", "adapter", "bench,testing"));
        createPool("it_mig_y", Map.of("size", 2, "sharing.policy", "adaptive", "adapter", "bench,testing"));
        Pool x = awaitPool("it_mig_x", 2);
        Pool y = awaitPool("it_mig_y", 2);
        try (EventCollector events = EventCollector.register(context);
             ClosedLoopLoad lx = ClosedLoopLoad.start(x, 6, () -> Request.of("sleep", json("ms", 100)));
             ClosedLoopLoad ly = ClosedLoopLoad.start(y, 6, () -> Request.of("sleep", json("ms", 100)))) {
            for (WorkerMigration.Mode mode : WorkerMigration.Mode.values()) {
                String worker = x.workers().stream().filter(w -> !w.lent()).findFirst().orElseThrow().workerId();
                WorkerInfo there = join(migration().migrateWorker(worker, "it_mig_x", "it_mig_y", mode));
                assertEquals(mode + ": " + there, "it_mig_y", there.servingPool());
                assertTrue(there.lent());
                assertEquals(3, y.stats().workers());
                WorkerInfo back = join(migration().migrateWorker(worker, "it_mig_y", "it_mig_x", mode));
                assertEquals("it_mig_x", back.servingPool());
                assertFalse(back.lent());
            }
            long before = lx.completed() + ly.completed();
            Await.until("both pools keep serving", () -> lx.completed() + ly.completed() > before + 10);
            lx.close();
            ly.close();
            assertTrue(lx.failures().toString(), lx.failures().isEmpty());
            assertTrue(ly.failures().toString(), ly.failures().isEmpty());
            long migrated = events.received(PoolerEvents.WORKER_MIGRATED).stream()
                    .filter(e -> Boolean.TRUE.equals(e.getProperty(PoolerEvents.SUCCESS))).count();
            assertEquals(6, migrated);
        }
        assertEquals(2, x.stats().workers());
        assertEquals(2, y.stats().workers());
    }

    @Test
    public void aWorkerKilledDuringItsMigrationRollsBackAndBothPoolsRecover() throws Exception {
        sharingOn();
        createPool("it_kill_x", Map.of("size", 2, "sharing.policy", "overflow", "adapter", "bench,testing"));
        createPool("it_kill_y", Map.of("size", 2, "sharing.policy", "overflow", "adapter", "bench,testing"));
        Pool x = awaitPool("it_kill_x", 2);
        Pool y = awaitPool("it_kill_y", 2);
        // One long request on one worker of x; migrate that worker gracefully: it waits for the request.
        CompletableFuture<Response> longOne = x.execute(Request.of("sleep", json("ms", 3000))).toCompletableFuture();
        WorkerInfo busy = Await.value("a busy worker of x", () -> x.workers().stream()
                .filter(w -> w.state() == WorkerState.BUSY).findFirst().orElse(null));
        CompletableFuture<WorkerInfo> moving = migration()
                .migrateWorker(busy.workerId(), "it_kill_x", "it_kill_y", WorkerMigration.Mode.GRACEFUL).toCompletableFuture();
        Await.until("the worker drains", () -> x.workers().stream().anyMatch(w -> w.workerId().equals(busy.workerId())
                && w.state() == WorkerState.DRAINING) || moving.isDone());
        ProcessHandle.of(busy.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            moving.get(30, TimeUnit.SECONDS);
            fail("a killed worker migrated");
        } catch (ExecutionException e) {
            PoolerException pe = PoolerException.of(e.getCause());
            System.out.println("WorkerMigrationIT killed mid-migration: " + pe.kind() + ": " + pe.getMessage());
            assertEquals(pe.getMessage(), ErrorKind.WORKER_CRASHED, pe.kind());
        }
        try {
            longOne.get(30, TimeUnit.SECONDS);
            fail("the request of a killed worker was answered with a result");
        } catch (ExecutionException e) {
            assertEquals(ErrorKind.WORKER_CRASHED, PoolerException.of(e.getCause()).kind());
        }
        awaitSize(x, 2);
        awaitSize(y, 2);
        assertEquals(0, x.stats().lent());
        assertEquals(0, y.stats().borrowed());
        assertAnswersEcho(x);
        assertAnswersEcho(y);
    }
}
