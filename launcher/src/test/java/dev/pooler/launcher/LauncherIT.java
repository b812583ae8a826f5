package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Runs the built {@code pooler.jar} as a person would, in a child JVM with a fresh
 * {@code POOLER_HOME}, three times: first start, restart, restart after the user edited a
 * configuration. Stdin is closed at once, as under CI or a service manager.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LauncherIT {

    private static final Path JAR = Path.of(System.getProperty("pooler.jar", "target/pooler.jar")).toAbsolutePath();
    private static final List<String> DEFAULT_CONF = List.of(
            "dev.pooler.loadbalancing.cfg",
            "dev.pooler.pool-embedding_pool.cfg",
            "dev.pooler.pool-general_pool.cfg",
            "dev.pooler.pool-generation_pool.cfg");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    private static final String BANNER_LINE = "=".repeat(72) + System.lineSeparator();

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Launched> launched = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Launched l : launched) {
            l.process.descendants().forEach(ProcessHandle::destroyForcibly);
            l.process.destroyForcibly();
        }
    }

    @Test
    void startsSecuredKeepsTheUsersConfigurationAndLeavesNoWorkerBehind() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        Path home = tmp.resolve("home with space");
        int port = freePort();

        // ---- 1st start: defaults seeded, password generated, shown once, stored owner-only
        Launched first = launch(home, port, 1);
        first.awaitConsole();
        Path passwordFile = home.resolve("console.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile).strip();
        assertTrue(password.length() >= 20, "a strong generated password");
        assertTrue(first.stdout().contains("password: " + password), "the banner shows the new password once");

        assertEquals(401, get(port, "/system/console/bundles", null), "no credentials");
        int adminAdmin = get(port, "/system/console/bundles", "admin:admin");
        assertTrue(adminAdmin == 401 || adminAdmin == 403, "admin/admin must be refused, got " + adminAdmin);
        assertEquals(401, get(port, "/system/console/bundles", "pooler:admin"), "wrong password");
        String auth = "pooler:" + password;
        assertEquals(200, get(port, "/system/console/bundles", auth));

        for (String name : DEFAULT_CONF) {
            assertTrue(Files.isRegularFile(home.resolve("conf").resolve(name)), "seeded " + name);
        }
        assertTrue(Files.isRegularFile(home.resolve("deploy/README.txt")));
        first.awaitConfigurations(auth, Map.of("general_pool", "8"));
        assertAllBundlesActive(first, auth);
        Map<String, byte[]> seeded = snapshot(home.resolve("conf"));
        assertEquals(DEFAULT_CONF, List.copyOf(seeded.keySet()));

        // A jar dropped into deploy/ is installed and started, removed when deleted. It exports the
        // Coordinator API that ConfigAdmin imports optionally: with FileInstall's default refresh
        // scope this deadlocked FileInstall and then the shutdown.
        Path dropIn = writeDropInBundle(home.resolve("deploy"));
        awaitTrue(() -> "Active".equals(bundleState(port, auth, "dev.pooler.launcher.it.dropin")), "drop-in started");
        Files.delete(dropIn);
        awaitTrue(() -> bundleState(port, auth, "dev.pooler.launcher.it.dropin") == null, "drop-in uninstalled");

        List<ProcessHandle> workers = first.awaitPythonWorkers(expectedWorkers(home));
        first.assertIdle();
        first.stop(false);
        assertAllExit(workers, "after SIGTERM the pools stop their workers");
        assertConfUnchanged(seeded, home, "after the first run");

        // ---- 2nd start: same password, not printed; conf files byte-identical
        Launched second = launch(home, port, 2);
        second.awaitConsole();
        assertFalse(second.stdout().contains(password), "the stored password is never printed again");
        assertTrue(second.stdout().contains(passwordFile.toString()), "the banner says where the password is");
        assertEquals(password, Files.readString(passwordFile).strip());
        assertEquals(200, get(port, "/system/console/bundles", auth));
        second.awaitConfigurations(auth, Map.of("general_pool", "8"));
        Launched intruder = launch(home, freePort(), 22);
        assertTrue(intruder.process.waitFor(30, TimeUnit.SECONDS), "a second launcher on the same home must not run");
        assertEquals(1, intruder.process.exitValue());
        assertTrue(intruder.stderr().contains("another Pooler launcher uses"), intruder.stderr());
        launched.remove(intruder);
        workers = second.awaitPythonWorkers(expectedWorkers(home));
        assertConfUnchanged(seeded, home, "while running");
        second.stop(true);
        assertAllExit(workers, "after SIGKILL of the JVM the workers end by themselves (their stdin closed)");
        assertConfUnchanged(seeded, home, "after the second run");

        // ---- 3rd start, after the user edited a pool: the edit is applied and kept
        Path general = home.resolve("conf/dev.pooler.pool-general_pool.cfg");
        String edited = Files.readString(general).replace("size=8", "size=2") + "# my note\n";
        Files.writeString(general, edited);
        Map<String, byte[]> userConf = snapshot(home.resolve("conf"));
        Launched third = launch(home, port, 3);
        third.awaitConsole();
        third.awaitConfigurations(auth, Map.of("general_pool", "2"));
        workers = third.awaitPythonWorkers(expectedWorkers(home));
        third.stop(false);
        assertAllExit(workers, "after the third run");
        assertConfUnchanged(userConf, home, "after the third run");
        assertEquals(edited, Files.readString(general));

        for (Launched l : launched) {
            assertFalse(l.stderr().contains("FAILED"), "run " + l.run + " reported a failure:\n" + l.stderr());
        }
    }

    // ------------------------------------------------------------------ the child JVM

    private Launched launch(Path home, int port, int run) throws IOException {
        Path out = tmp.resolve("run" + run + ".out");
        Path err = tmp.resolve("run" + run + ".err");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString());
        pb.directory(tmp.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("POOLER_"));
        pb.environment().put("POOLER_HOME", home.toString());
        pb.environment().put("POOLER_HTTP_PORT", Integer.toString(port));
        String python = System.getenv("POOLER_PYTHON");
        if (python != null) {
            pb.environment().put("POOLER_PYTHON", python);
        }
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process process = pb.start();
        process.getOutputStream().close(); // no terminal, stdin at EOF: the launcher must keep running
        Launched l = new Launched(run, port, process, out, err, t0);
        launched.add(l);
        return l;
    }

    private final class Launched {
        final int run;
        final int port;
        final Process process;
        final Path out;
        final Path err;
        final long startedNanos;

        Launched(int run, int port, Process process, Path out, Path err, long startedNanos) {
            this.run = run;
            this.port = port;
            this.process = process;
            this.out = out;
            this.err = err;
            this.startedNanos = startedNanos;
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        /** Until the launcher has started every bundle and the Web Console answers (401: it asks for a login). */
        void awaitConsole() {
            awaitTrue(() -> {
                String out = stdout();
                int summary = out.indexOf("bundles started");
                int bannerStart = summary < 0 ? -1 : out.indexOf(BANNER_LINE, summary);
                return bannerStart > 0 && out.indexOf(BANNER_LINE, bannerStart + 1) > 0;
            }, "the launcher's start summary and banner");
            awaitTrue(() -> get(port, "/system/console/bundles", null) == 401, "Web Console on port " + port);
            System.out.printf("run %d: console up after %d ms%n", run, elapsedMs());
        }

        /** Until FileInstall has handed conf/ to ConfigAdmin (seen through the Web Console). */
        void awaitConfigurations(String auth, Map<String, String> poolSizes) {
            awaitTrue(() -> {
                String text = body(port, "/system/console/status-Configurations.txt", auth);
                if (text == null || !text.contains("PID = dev.pooler.loadbalancing")) {
                    return false;
                }
                for (String pool : List.of("general_pool", "embedding_pool", "generation_pool")) {
                    if (!text.contains("PID = dev.pooler.pool~" + pool)) {
                        return false;
                    }
                }
                return poolSizes.entrySet().stream().allMatch(e -> sizeOf(text, e.getKey()).equals(e.getValue()));
            }, "configurations from conf/ in ConfigAdmin");
        }

        /** The pools' Python workers, children of the launcher JVM, once all configured ones run. */
        List<ProcessHandle> awaitPythonWorkers(int expected) {
            awaitTrue(() -> pythonDescendants().size() >= expected,
                    () -> expected + " Python workers (sum of the pools' sizes) under the launcher; running: "
                            + pythonDescendants().size());
            List<ProcessHandle> workers = pythonDescendants();
            System.out.printf("run %d: %d python workers after %d ms%n", run, workers.size(), elapsedMs());
            return workers;
        }

        List<ProcessHandle> pythonDescendants() {
            return process.descendants()
                          .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString())
                                        .filter(name -> name.startsWith("python")).isPresent())
                          .collect(Collectors.toList());
        }

        /** An idle launcher with stdin at EOF neither exits nor spins. */
        void assertIdle() throws InterruptedException {
            assertTrue(process.isAlive(), "the launcher exited:\n" + stderr());
            Duration before = process.info().totalCpuDuration().orElse(Duration.ZERO);
            Thread.sleep(3000);
            Duration used = process.info().totalCpuDuration().orElse(Duration.ZERO).minus(before);
            assertTrue(process.isAlive(), "the launcher exited:\n" + stderr());
            assertTrue(used.toMillis() < 1500, "the idle launcher used " + used.toMillis() + " ms of CPU in 3 s");
        }

        void stop(boolean forcibly) throws Exception {
            long t0 = System.nanoTime();
            if (forcibly) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            assertTrue(process.waitFor(40, TimeUnit.SECONDS), "the launcher did not stop:\n" + stderr());
            System.out.printf("run %d: %s, exited (%d) in %d ms%n", run, forcibly ? "SIGKILL" : "SIGTERM",
                    process.exitValue(), (System.nanoTime() - t0) / 1_000_000);
            if (!forcibly) {
                assertTrue(stdout().contains("[pooler] stopped"), "a clean stop:\n" + stdout() + stderr());
            }
        }

        long elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }

        private void awaitTrue(BooleanSupplier condition, String what) {
            awaitTrue(condition, () -> what);
        }

        private void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    fail("run " + run + ": the launcher exited (" + process.exitValue() + ") while waiting for "
                            + what.get() + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                if (System.nanoTime() > deadline) {
                    fail("run " + run + ": timed out waiting for " + what.get()
                            + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
                }
                sleep(200);
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private void assertAllBundlesActive(Launched l, String auth) {
        JsonObject json = JsonParser.parseString(body(l.port, "/system/console/bundles.json", auth)).getAsJsonObject();
        List<String> notActive = new ArrayList<>();
        json.getAsJsonArray("data").forEach(e -> {
            JsonObject b = e.getAsJsonObject();
            if (!"Active".equals(b.get("state").getAsString()) && !"Fragment".equals(b.get("state").getAsString())) {
                notActive.add(b.get("symbolicName").getAsString() + " " + b.get("state").getAsString());
            }
        });
        assertTrue(notActive.isEmpty(), "bundles not active: " + notActive + "\nstderr:\n" + l.stderr());
        assertTrue(json.getAsJsonArray("data").size() > 30, json.get("status").getAsString());
        System.out.println("run " + l.run + ": " + json.get("status").getAsString());
    }

    private String bundleState(int port, String auth, String symbolicName) {
        String text = body(port, "/system/console/bundles.json", auth);
        if (text == null) {
            return "?";
        }
        for (var e : JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("data")) {
            JsonObject b = e.getAsJsonObject();
            if (symbolicName.equals(b.get("symbolicName").getAsString())) {
                return b.get("state").getAsString();
            }
        }
        return null;
    }

    private static void assertAllExit(List<ProcessHandle> workers, String why) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ProcessHandle w : workers) {
            while (w.isAlive() && System.nanoTime() < deadline) {
                sleep(100);
            }
        }
        List<Long> alive = workers.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                                  .collect(Collectors.toList());
        assertTrue(alive.isEmpty(), why + ": python processes still alive: " + alive);
    }

    private static void assertConfUnchanged(Map<String, byte[]> expected, Path home, String when) throws IOException {
        Map<String, byte[]> now = snapshot(home.resolve("conf"));
        assertEquals(expected.keySet(), now.keySet(), "conf/ files " + when);
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), now.get(e.getKey()), e.getKey() + " must be byte-identical " + when);
        }
    }

    private static Map<String, byte[]> snapshot(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** Sum of the {@code size} of every pool configuration in conf/. */
    private static int expectedWorkers(Path home) throws IOException {
        int total = 0;
        try (Stream<Path> list = Files.list(home.resolve("conf"))) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (p.getFileName().toString().startsWith("dev.pooler.pool-")) {
                    Properties cfg = new Properties();
                    try (var in = Files.newBufferedReader(p)) {
                        cfg.load(in);
                    }
                    total += Integer.parseInt(cfg.getProperty("size", "4").trim());
                }
            }
        }
        return total;
    }

    private static String sizeOf(String configurations, String pool) {
        int at = configurations.indexOf("PID = dev.pooler.pool~" + pool);
        int end = configurations.indexOf("\nPID = ", at + 1); // not "Factory PID = "
        String block = configurations.substring(at, end < 0 ? configurations.length() : end);
        return block.lines().map(String::strip).filter(s -> s.startsWith("size = "))
                    .map(s -> s.substring("size = ".length())).findFirst().orElse("");
    }

    /** A bundle with no code that exports the Coordinator API package. */
    private Path writeDropInBundle(Path deploy) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "dev.pooler.launcher.it.dropin");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Export-Package", "org.osgi.service.coordinator;version=\"1.0.2\"");
        Path staged = tmp.resolve("dropin.jar");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(staged), mf)) {
            jar.flush();
        }
        // Moved in whole, so FileInstall never sees a half-written jar.
        return Files.move(staged, deploy.resolve("dropin.jar"), StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------ HTTP

    private int get(int port, String path, String credentials) {
        try {
            return send(port, path, credentials).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        }
    }

    private String body(int port, String path, String credentials) {
        try {
            HttpResponse<String> r = send(port, path, credentials);
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private HttpResponse<String> send(int port, String path, String credentials) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                           .timeout(Duration.ofSeconds(5));
        if (credentials != null) {
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void awaitTrue(BooleanSupplier condition, String what) {
        launched.get(launched.size() - 1).awaitTrue(condition, what);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
