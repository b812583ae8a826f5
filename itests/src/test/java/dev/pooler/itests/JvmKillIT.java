package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.Gson;
import dev.pooler.api.PoolConfig;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.itests.child.ChildFelixMain;
import dev.pooler.itests.child.ChildPoolMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Test;

/**
 * A JVM killed with SIGKILL leaves no worker behind (the workers exit when their stdin closes), nor a fork template
 * or a guardian (forked workers die with their template, which dies with the JVM).
 * This cannot run inside the test JVM, so each test starts a child JVM that runs a pool, kills it,
 * and checks its workers. A plain JUnit test: it needs no framework itself.
 */
public class JvmKillIT {

    /** How long the workers may outlive their killed JVM. */
    static final Duration WORKERS_GONE_WITHIN = Duration.ofSeconds(2);
    static final int SIZE = 3;

    private Process child;
    private Path storage;
    private final Set<ProcessHandle> workers = new LinkedHashSet<>();

    @After
    public void killLeftoversAndCleanUp() throws IOException {
        if (child != null) {
            child.destroyForcibly();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
        if (storage != null && Files.exists(storage)) {
            try (var files = Files.walk(storage)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Test
    public void killedPlainJvmLeavesNoWorker() throws Exception {
        killPlainChild(false);
    }

    /** Workers in the middle of a command that never ends still notice that their JVM is gone. */
    @Test
    public void killedPlainJvmLeavesNoBusyWorker() throws Exception {
        killPlainChild(true);
    }

    private void killPlainChild(boolean busy) throws Exception {
        String cp = String.join(File.pathSeparator, location(ChildPoolMain.class), location(PythonPool.class),
                location(PoolConfig.class), location(Gson.class));
        Path runtime = Path.of(System.getProperty("pooler.python.runtime", "../core.impl/src/main/resources/python"));
        assertTrue("the Python runtime at " + runtime, Files.isDirectory(runtime.resolve("pooler_worker")));
        killChildAndCheck(cp, ChildPoolMain.class.getName(),
                List.of(runtime.toAbsolutePath().toString(), PoolerPlatform.python(), String.valueOf(SIZE),
                        busy ? "busy" : "idle"));
    }

    @Test
    public void killedFelixJvmLeavesNoWorker() throws Exception {
        String cp = String.join(File.pathSeparator, location(ChildFelixMain.class),
                location(Class.forName("org.apache.felix.framework.FrameworkFactory")));
        Path work = Path.of(System.getProperty("pooler.itests.work", "target/itests-work"));
        Files.createDirectories(work);
        storage = Files.createTempDirectory(work.toAbsolutePath(), "felix-child-");
        List<String> args = new ArrayList<>(List.of(storage.toString(), PoolerPlatform.python(), String.valueOf(SIZE)));
        PoolerPlatform.bundleFiles().forEach(f -> args.add(f.toString()));
        killChildAndCheck(cp, ChildFelixMain.class.getName(), args);
    }

    private void killChildAndCheck(String classpath, String main, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-cp", classpath, main));
        cmd.addAll(args);
        Path work = Path.of(System.getProperty("pooler.itests.work", "target/itests-work")).toAbsolutePath();
        Files.createDirectories(work);
        Path stderr = work.resolve(main.substring(main.lastIndexOf('.') + 1) + ".stderr.log");
        child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child died
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();

        String pidsLine = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pidsLine == null && System.nanoTime() < deadline && (child.isAlive() || !lines.isEmpty())) {
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null && (line.startsWith("PIDS ") || line.startsWith("FAILED"))) {
                pidsLine = line;
            }
        }
        if (pidsLine == null || !pidsLine.startsWith("PIDS ")) {
            throw new AssertionError("the child JVM did not report its workers (" + pidsLine + "); its stderr:\n"
                    + tail(stderr));
        }
        for (String p : pidsLine.substring(5).trim().split(" ")) {
            ProcessHandle h = Procs.live(Long.parseLong(p));
            workers.add(h);
            assertTrue("worker " + p + " is a child of the child JVM or of its fork template",
                    Procs.startedBy(h, child.toHandle()));
            assertTrue(Procs.isWorker(h));
        }
        assertEquals(SIZE, workers.size());
        assertEquals("the child JVM has no other workers", workers,
                new LinkedHashSet<>(Procs.workerChildren(child.toHandle())));
        // Everything Pooler started under the child JVM: workers, their guardians, fork templates.
        Set<ProcessHandle> all = new LinkedHashSet<>(workers);
        child.toHandle().descendants().filter(Procs::isWorker).forEach(all::add);
        workers.addAll(all);

        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue("the child JVM died", child.waitFor(20, TimeUnit.SECONDS));
        Await.until("all processes " + Procs.pids(all) + " (workers, guardians, templates) exit within "
                        + WORKERS_GONE_WITHIN.toMillis() + " ms of their JVM's death", WORKERS_GONE_WITHIN,
                () -> Procs.stillAlive(all).isEmpty(), () -> "alive: " + Procs.pids(Procs.stillAlive(all)));
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException("where is " + c + " loaded from?", e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> all = Files.readAllLines(file);
            return all.subList(Math.max(0, all.size() - 40), all.size()).stream().collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
