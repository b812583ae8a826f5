package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
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
import org.osgi.framework.Bundle;

/** Stopping the core.impl bundle ends every Python process it started; starting it again brings the configured pools back. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleStopIT extends PoolerTestSupport {

    @Test
    public void stoppingCoreImplLeavesNoPythonProcessBehind() throws Exception {
        createPool("it_stop", Map.of("size", 3, "adapter", "bench,testing"));
        Pool configured = awaitPool("it_stop", 3);
        Pool fromCode = registry().registerPool(PoolConfig.builder().poolId("it_stop_code").size(2)
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing").withPython(PoolerPlatform.python())).build());
        awaitSize(fromCode, 2);

        Set<ProcessHandle> workers = new HashSet<>(handles(configured).values());
        workers.addAll(handles(fromCode).values());
        assertEquals(5, workers.size());
        assertEquals("every python child of this JVM belongs to the two pools", workers,
                new HashSet<>(Procs.workerChildren(ProcessHandle.current())));

        // Some work in flight while the bundle stops: each request still gets one answer.
        List<CompletableFuture<Response>> inFlight = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            inFlight.add(configured.execute(Request.of("sleep", json("ms", 100))).toCompletableFuture());
        }

        Bundle impl = coreImpl();
        impl.stop();
        assertEquals(Bundle.RESOLVED, impl.getState());

        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).handle((v, t) -> null)
                .get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
        for (CompletableFuture<Response> f : inFlight) {
            if (f.isCompletedExceptionally()) {
                f.handle((r, t) -> {
                    assertEquals(ErrorKind.SHUTTING_DOWN, PoolerException.of(t).kind());
                    return null;
                }).join();
            }
        }
        Await.until("all worker processes " + Procs.pids(workers) + " exited", () -> Procs.stillAlive(workers).isEmpty(),
                () -> "alive: " + Procs.pids(Procs.stillAlive(workers)));
        Await.until("no worker or fork template is left", () -> Procs.poolerChildren(ProcessHandle.current()).isEmpty(),
                () -> Procs.pids(Procs.poolerChildren(ProcessHandle.current())));
        assertTrue(poolServices().isEmpty());

        // Started again, the bundle brings the configured pool back with fresh processes; a pool
        // registered from code ended with the bundle.
        impl.start();
        Pool again = awaitPool("it_stop", 3);
        Set<ProcessHandle> fresh = new HashSet<>(handles(again).values());
        fresh.retainAll(workers);
        assertTrue("new processes", fresh.isEmpty());
        assertFalse(registry().pool("it_stop_code").isPresent());
        assertAnswersEcho(again);
    }
}
