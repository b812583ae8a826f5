package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * configuration; and with console credentials it must refuse. Stdin is closed at once, as under CI
 * or a service manager.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LauncherIT {

    private static final List<String> DEFAULT_CONF = List.of(
            "dev.pooler.affinity.cfg",
            "dev.pooler.loadbalancing.cfg",
            "dev.pooler.pool-embedding_pool.cfg",
            "dev.pooler.pool-general_pool.cfg",
            "dev.pooler.pool-generation_pool.cfg",
            "dev.pooler.sharing.cfg");

    @TempDir
    Path tmp;

    private final List<LaunchedPooler> launched = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        launched.forEach(LaunchedPooler::kill);
    }

    @Test
    void startsSecuredKeepsTheUsersConfigurationAndLeavesNoWorkerBehind() throws Exception {
        Path home = tmp.resolve("home with space");
        int port = LaunchedPooler.freePort();

        // ---- 1st start: defaults seeded, password generated and stored owner-only; no terminal, so not printed
        LaunchedPooler first = launch(home, port, 1);
        first.awaitConsole();
        Path passwordFile = home.resolve("console.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
        String password = Files.readString(passwordFile).strip();
        assertTrue(password.length() >= 20, "a strong generated password");
        assertTrue(first.stdout().contains("password: generated now and stored in " + passwordFile), first.stdout());
        assertNoPasswordIn(first, password);

        assertEquals(401, first.status("GET", "/system/console/bundles", null, Map.of()), "no credentials");
        int adminAdmin = first.status("GET", "/system/console/bundles", "admin:admin", Map.of());
        assertTrue(adminAdmin == 401 || adminAdmin == 403, "admin/admin must be refused, got " + adminAdmin);
        assertEquals(401, first.status("GET", "/system/console/bundles", "pooler:admin", Map.of()), "wrong password");
        String auth = "pooler:" + password;
        assertEquals(200, first.status("GET", "/system/console/bundles", auth, Map.of()));

        for (String name : DEFAULT_CONF) {
            assertTrue(Files.isRegularFile(home.resolve("conf").resolve(name)), "seeded " + name);
        }
        assertTrue(Files.isRegularFile(home.resolve("deploy/README.txt")));
        awaitConfigurations(first, auth, Map.of("general_pool", "8"));
        assertAllBundlesActive(first, auth);
        Map<String, byte[]> seeded = snapshot(home.resolve("conf"));
        assertEquals(DEFAULT_CONF, List.copyOf(seeded.keySet()));

        // A jar dropped into deploy/ is installed and started, removed when deleted. It exports the
        // Coordinator API that ConfigAdmin imports optionally: with FileInstall's default refresh
        // scope this deadlocked FileInstall and then the shutdown.
        Path dropIn = writeDropInBundle(home.resolve("deploy"));
        first.awaitTrue(() -> "Active".equals(bundleState(first, auth, "dev.pooler.launcher.it.dropin")), "drop-in started");
        Files.delete(dropIn);
        first.awaitTrue(() -> bundleState(first, auth, "dev.pooler.launcher.it.dropin") == null, "drop-in uninstalled");

        List<ProcessHandle> workers = first.awaitPythonWorkers(expectedWorkers(home));
        first.assertIdle();
        first.stop(false);
        assertNoPasswordIn(first, password);
        assertAllExit(workers, "after SIGTERM the pools stop their workers");
        assertConfUnchanged(seeded, home, "after the first run");

        // ---- 2nd start: same password, not printed; conf files byte-identical
        LaunchedPooler second = launch(home, port, 2);
        second.awaitConsole();
        assertFalse(second.stdout().contains(password), "the stored password is never printed again");
        assertTrue(second.stdout().contains(passwordFile.toString()), "the banner says where the password is");
        assertEquals(password, Files.readString(passwordFile).strip());
        assertEquals(200, second.status("GET", "/system/console/bundles", auth, Map.of()));
        awaitConfigurations(second, auth, Map.of("general_pool", "8"));
        LaunchedPooler intruder = launch(home, LaunchedPooler.freePort(), 22);
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
        LaunchedPooler third = launch(home, port, 3);
        third.awaitConsole();
        awaitConfigurations(third, auth, Map.of("general_pool", "2"));
        workers = third.awaitPythonWorkers(expectedWorkers(home));
        third.stop(false);
        assertAllExit(workers, "after the third run");
        assertConfUnchanged(userConf, home, "after the third run");
        assertEquals(edited, Files.readString(general));

        for (LaunchedPooler l : launched) {
            assertFalse(l.stderr().contains("FAILED"), "run " + l.run + " reported a failure:\n" + l.stderr());
        }
    }

    @Test
    void refusesWeakPasswordsAndPasswordsOnTheCommandLine() throws Exception {
        String weakFix = "Set POOLER_CONSOLE_PASSWORD to 12 or more characters, not the user name, or unset it";
        String commandLineFix = "puts the Web Console password on the command line, where anyone on this machine can "
                + "read it (ps). Remove it and set POOLER_CONSOLE_PASSWORD in the environment instead, or write the "
                + "password into ";
        List<Refusal> refusals = List.of(
                new Refusal(Map.of("POOLER_CONSOLE_USER", "admin", "POOLER_CONSOLE_PASSWORD", "Admin"), List.of(),
                        "Admin", "POOLER_CONSOLE_PASSWORD is too weak: admin/admin", weakFix),
                new Refusal(Map.of("POOLER_CONSOLE_USER", "operations-team", "POOLER_CONSOLE_PASSWORD", "operations-team"),
                        List.of(), null, "POOLER_CONSOLE_PASSWORD is too weak: the password is the user name", weakFix),
                new Refusal(Map.of("POOLER_CONSOLE_PASSWORD", "short-pw1"), List.of(),
                        "short-pw1", "POOLER_CONSOLE_PASSWORD is too weak: the password is shorter than 12 characters", weakFix),
                new Refusal(Map.of(), List.of("-Dfelix.webconsole.password=long-enough-secret-1"),
                        "long-enough-secret-1", "-Dfelix.webconsole.password " + commandLineFix, "console.password"),
                new Refusal(Map.of("POOLER_CONSOLE_PASSWORD", "long-enough-secret-2"),
                        List.of("-Dpooler.console.password=long-enough-secret-3"),
                        "long-enough-secret-3", "-Dpooler.console.password " + commandLineFix, "console.password"));
        int run = 100;
        for (Refusal r : refusals) {
            Path home = tmp.resolve("refused" + run);
            LaunchedPooler l = launch(home, LaunchedPooler.freePort(), run++, r.env, r.jvmOptions);
            String what = r.env + " " + r.jvmOptions;
            assertEquals(1, l.awaitExit(), what + ":\n" + l.stdout() + l.stderr());
            String stderr = l.stderr();
            assertTrue(stderr.startsWith("[pooler] cannot start: "), what + ":\n" + stderr);
            for (String part : r.says) {
                assertTrue(stderr.contains(part), what + " should say '" + part + "':\n" + stderr);
            }
            if (r.secret != null) {
                assertFalse((l.stdout() + stderr).contains(r.secret), what + ": the password was printed");
            }
            assertFalse(Files.exists(home.resolve("conf")), what + ": nothing seeded");
            assertFalse(Files.exists(home.resolve("console.password")), what + ": no password generated");
        }
    }

    private record Refusal(Map<String, String> env, List<String> jvmOptions, String secret, String... says) {
    }

    // ------------------------------------------------------------------ the child JVM

    private LaunchedPooler launch(Path home, int port, int run) throws IOException {
        return launch(home, port, run, Map.of(), List.of());
    }

    private LaunchedPooler launch(Path home, int port, int run, Map<String, String> env, List<String> jvmOptions)
            throws IOException {
        LaunchedPooler l = LaunchedPooler.start(tmp, home, port, run, env, jvmOptions);
        launched.add(l);
        return l;
    }

    /** Until FileInstall has handed conf/ to ConfigAdmin (seen through the Web Console). */
    private static void awaitConfigurations(LaunchedPooler l, String auth, Map<String, String> poolSizes) {
        l.awaitTrue(() -> {
            String text = l.body("/system/console/status-Configurations.txt", auth);
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

    // ------------------------------------------------------------------ checks

    /** The launcher's log (stdout and stderr) never holds the generated password when no terminal is attached. */
    private static void assertNoPasswordIn(LaunchedPooler l, String password) {
        assertFalse(l.stdout().contains(password), "run " + l.run + " printed the password on stdout");
        assertFalse(l.stderr().contains(password), "run " + l.run + " printed the password on stderr");
    }

    private void assertAllBundlesActive(LaunchedPooler l, String auth) {
        JsonObject json = JsonParser.parseString(l.body("/system/console/bundles.json", auth)).getAsJsonObject();
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

    private static String bundleState(LaunchedPooler l, String auth, String symbolicName) {
        String text = l.body("/system/console/bundles.json", auth);
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
                LaunchedPooler.sleep(100);
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
}
