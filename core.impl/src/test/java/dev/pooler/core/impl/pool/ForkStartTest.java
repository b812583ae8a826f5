package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.Await;
import dev.pooler.core.impl.events.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers forked from a pool's template ({@code launch.mode=fork}) against real Python processes: who their parent
 * is, that they answer every request once, what replaces a killed worker, what happens when the template itself is
 * killed, and the fallbacks to spawning.
 */
class ForkStartTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE);
    private final List<PythonPool> pools = new ArrayList<>();

    @TempDir
    Path modules;

    @AfterEach
    void stopAll() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (PythonPool p : pools) {
            ids.add(p.id());
            p.stop(Duration.ofSeconds(2));
        }
        for (String id : ids) {
            Await.until("no process of pool " + id + " is left", () -> PoolFaultsTest.poolProcesses(id).isEmpty());
            Await.until("the fork thread of pool " + id + " has ended", () -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("pooler-fork-" + id)));
        }
        scheduler.shutdownNow();
    }

    private PythonPool start(String id, int size, LaunchMode mode, WorkerSpec spec) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size).launchMode(mode).workerSpec(spec).build(), runtime);
        pools.add(p);
        p.start();
        return p;
    }

    private static WorkerSpec bench() {
        return WorkerSpec.defaults().withAdapter("bench,testing");
    }

    private static long parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static JsonObject n(int n) {
        JsonObject o = new JsonObject();
        o.addProperty("n", n);
        return o;
    }

    @Test
    void forkedWorkersAreTheTemplatesChildrenAndAnswerEveryRequestOnce() throws Exception {
        PythonPool p = start("fk", 3, LaunchMode.FORK, bench());
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        long template = p.forks.templatePid();
        assertTrue(template > 0, "a template runs");
        assertEquals(ProcessHandle.current().pid(), parent(template), "the template is the JVM's child");
        for (long pid : p.pids()) {
            assertEquals(template, parent(pid), "worker " + pid + " is forked from the template");
        }
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            answers.add(p.execute(Request.of("echo", n(i))).toCompletableFuture());
        }
        Set<Long> servedBy = new HashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            Response r = answers.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(i, r.result().getAsJsonObject().get("n").getAsInt());
        }
        for (long pid : p.pids()) {
            Response r = p.execute(Request.of("pid")).toCompletableFuture().get(30, TimeUnit.SECONDS);
            servedBy.add(r.result().getAsLong());
        }
        assertTrue(p.pids().containsAll(servedBy), "answers come from the forked workers: " + servedBy + " " + p.pids());
        assertEquals(0, p.stats().crashes());
    }

    @Test
    void aKilledWorkerIsReplacedByAForkAndIsNoCrashLoop() throws Exception {
        PythonPool p = start("fkill", 2, LaunchMode.FORK, bench());
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        long template = p.forks.templatePid();
        for (int i = 0; i < 6; i++) {
            Await.until("full size", () -> p.stats().workers() == 2);
            long pid = p.pids().get(0);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Await.until("the killed worker is gone", () -> !p.pids().contains(pid));
        }
        Await.until("full size again", () -> p.stats().workers() == 2);
        assertEquals(PoolState.RUNNING, p.state(), "kills from outside are not a crash loop");
        assertEquals(template, p.forks.templatePid(), "the same template forked the replacements");
        for (long pid : p.pids()) {
            assertEquals(template, parent(pid));
        }
        assertEquals(7, p.execute(Request.of("echo", n(7))).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsJsonObject().get("n").getAsInt());
    }

    @Test
    void killingTheTemplateTakesItsWorkersAlongAndANewTemplateForksTheReplacements() throws Exception {
        PythonPool p = start("ftpl", 3, LaunchMode.FORK, bench());
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        long template = p.forks.templatePid();
        List<Long> before = p.pids();
        List<Long> guardians = new ArrayList<>();
        for (long pid : before) {
            ProcessHandle.of(pid).ifPresent(h -> h.children().forEach(c -> guardians.add(c.pid())));
        }
        assertFalse(guardians.isEmpty(), "the workers have guardians");
        ProcessHandle.of(template).ifPresent(ProcessHandle::destroyForcibly);
        for (long pid : before) {
            Await.until("worker " + pid + " died with its template", () -> !alive(pid));
        }
        for (long pid : guardians) {
            Await.until("guardian " + pid + " died with its worker", () -> !alive(pid));
        }
        Await.until("the pool is back to its size", () -> p.stats().workers() == 3 && p.pids().stream().noneMatch(before::contains));
        long next = p.forks.templatePid();
        assertTrue(next > 0 && next != template, "a new template: " + next);
        for (long pid : p.pids()) {
            assertEquals(next, parent(pid));
        }
        assertEquals(PoolState.RUNNING, p.state());
        assertEquals(5, p.execute(Request.of("echo", n(5))).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsJsonObject().get("n").getAsInt());
    }

    @Test
    void aTemplateImportingAHeavyAdapterDoesNotHoldUpTheScheduler() throws Exception {
        WorkerSpec heavy = new WorkerSpec("python3", "testing_heavy", Map.of("POOLER_HEAVY_IMPORT_MS", "3000"),
                Duration.ofSeconds(30));
        PythonPool p = start("fheavy", 2, LaunchMode.FORK, heavy);
        CompletableFuture<Boolean> tick = new CompletableFuture<>();
        // Runs on the pools' scheduler 50 ms in: before the template (3 s of import) is ready, unless a launch blocks it.
        scheduler.schedule(() -> tick.complete(p.forks.templatePid() == -1), 50, TimeUnit.MILLISECONDS);
        assertTrue(tick.get(30, TimeUnit.SECONDS), "the scheduler ran while the template still imported its adapter");
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        assertTrue(p.forks.templatePid() > 0);
    }

    @Test
    void launchModeSpawnSpawnsEveryWorkerAndStartsNoTemplate() throws Exception {
        PythonPool p = start("fspawn", 2, LaunchMode.SPAWN, bench());
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        assertEquals(-1, p.forks.templatePid());
        for (long pid : p.pids()) {
            assertEquals(ProcessHandle.current().pid(), parent(pid), "spawned by the JVM");
        }
    }

    @Test
    void anAdapterThatStartsThreadsAtImportIsSpawnedNotForked() throws Exception {
        Files.writeString(modules.resolve("threaded_adapter.py"), String.join("\n",
                "import threading, time",
                "threading.Thread(target=lambda: time.sleep(3600), daemon=True).start()",
                "COMMANDS = {'hello': lambda args, ctx: 'hi'}", ""));
        WorkerSpec spec = new WorkerSpec("python3", "threaded_adapter", Map.of("PYTHONPATH", modules.toString()),
                Duration.ofSeconds(20));
        PythonPool p = start("fthreads", 2, LaunchMode.FORK, spec);
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        assertEquals(-1, p.forks.templatePid(), "no template serves");
        for (long pid : p.pids()) {
            assertEquals(ProcessHandle.current().pid(), parent(pid), "spawned by the JVM");
        }
        assertEquals("hi", p.execute(Request.of("hello")).toCompletableFuture().get(30, TimeUnit.SECONDS).result().getAsString());
    }

    @Test
    void anAdapterThatCannotBeImportedIsReportedAsWhenSpawned() throws Exception {
        // The template cannot import it: the worker is spawned, refuses to start with the import error (logged), and
        // the pool fails exactly as a spawning one does.
        ResourceLimits noRestarts = new ResourceLimits(100, Duration.ofSeconds(30), 0, 0, 0, Duration.ofSeconds(60), 1 << 20, 1024);
        PythonPool forked = new PythonPool(PoolConfig.builder().poolId("fbad").size(1).launchMode(LaunchMode.FORK)
                .resourceLimits(noRestarts).workerSpec(WorkerSpec.defaults().withAdapter("no_such_adapter_xyz")).build(), runtime);
        PythonPool spawned = new PythonPool(PoolConfig.builder().poolId("sbad").size(1).launchMode(LaunchMode.SPAWN)
                .resourceLimits(noRestarts).workerSpec(WorkerSpec.defaults().withAdapter("no_such_adapter_xyz")).build(), runtime);
        pools.add(forked);
        pools.add(spawned);
        forked.start();
        spawned.start();
        Await.until("both pools fail", () -> forked.failure() != null && spawned.failure() != null);
        assertEquals(spawned.failure().replaceAll("sbad-w[0-9]+", "W"), forked.failure().replaceAll("fbad-w[0-9]+", "W"));
        assertEquals(-1, forked.forks.templatePid());
    }

    @Test
    void aTemplateThatCannotStartFallsBackToSpawn() throws Exception {
        // The template's first line is not the handshake it waits for: its start fails, the workers are spawned.
        Files.writeString(modules.resolve("dies_in_template.py"), String.join("\n",
                "import os, time",
                "if '--template' in open('/proc/self/cmdline').read(): os._exit(9)",
                "COMMANDS = {'hello': lambda args, ctx: 'hi'}", ""));
        WorkerSpec spec = new WorkerSpec("python3", "dies_in_template", Map.of("PYTHONPATH", modules.toString()),
                Duration.ofSeconds(20));
        PythonPool p = start("fdies", 2, LaunchMode.FORK, spec);
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        assertEquals(-1, p.forks.templatePid());
        for (long pid : p.pids()) {
            assertEquals(ProcessHandle.current().pid(), parent(pid), "spawned by the JVM");
        }
        assertEquals("hi", p.execute(Request.of("hello")).toCompletableFuture().get(30, TimeUnit.SECONDS).result().getAsString());
    }

    @Test
    void aReconfiguredAdapterGetsANewTemplateAndTheOldOneEndsWithItsWorkers() throws Exception {
        PythonPool p = start("frecfg", 2, LaunchMode.FORK, bench());
        assertTrue(p.awaitReady(Duration.ofSeconds(30)));
        long old = p.forks.templatePid();
        p.reconfigure(p.config().toBuilder().workerSpec(WorkerSpec.defaults().withAdapter("bench,testing,text")).build());
        Await.until("a new template forks the workers", () -> {
            long now = p.forks.templatePid();
            return now > 0 && now != old && p.stats().workers() == 2
                    && p.pids().stream().allMatch(pid -> parent(pid) == now);
        });
        Await.until("the old template ended with its last worker", () -> !alive(old));
        Response r = p.execute(Request.of("embed", textArgs())).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertNotEquals(null, r.result());
    }

    private static JsonObject textArgs() {
        JsonObject o = new JsonObject();
        o.addProperty("text", "one two three");
        return o;
    }
}
