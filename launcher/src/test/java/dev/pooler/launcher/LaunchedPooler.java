package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code java -jar pooler.jar} in a child JVM, as a person runs it, with its own {@code POOLER_HOME}
 * and port. Stdin is closed at once, as under CI or a service manager: no terminal.
 */
final class LaunchedPooler {

    static final Path JAR = Path.of(System.getProperty("pooler.jar", "target/pooler.jar")).toAbsolutePath();
    static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    static final String BANNER_LINE = "=".repeat(72) + System.lineSeparator();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int run;
    final int port;
    final Process process;
    final Path out;
    final Path err;
    final long startedNanos;

    private LaunchedPooler(int run, int port, Process process, Path out, Path err, long startedNanos) {
        this.run = run;
        this.port = port;
        this.process = process;
        this.out = out;
        this.err = err;
        this.startedNanos = startedNanos;
    }

    /**
     * @param workDir    the current folder of the launcher, where its stdout and stderr are kept too
     * @param env        set in the launcher's environment, from which every {@code POOLER_*} variable of this
     *                   JVM is removed first (but {@code POOLER_PYTHON})
     * @param jvmOptions given before {@code -jar}
     */
    static LaunchedPooler start(Path workDir, Path home, int port, int run, Map<String, String> env,
                                List<String> jvmOptions) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        Path out = workDir.resolve("run" + run + ".out");
        Path err = workDir.resolve("run" + run + ".err");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("POOLER_"));
        pb.environment().put("POOLER_HOME", home.toString());
        pb.environment().put("POOLER_HTTP_PORT", Integer.toString(port));
        String python = System.getenv("POOLER_PYTHON");
        if (python != null) {
            pb.environment().put("POOLER_PYTHON", python);
        }
        pb.environment().putAll(env);
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process process = pb.start();
        process.getOutputStream().close(); // no terminal, stdin at EOF: the launcher must keep running
        return new LaunchedPooler(run, port, process, out, err, t0);
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
            String text = stdout();
            int summary = text.indexOf("bundles started");
            int bannerStart = summary < 0 ? -1 : text.indexOf(BANNER_LINE, summary);
            return bannerStart > 0 && text.indexOf(BANNER_LINE, bannerStart + 1) > 0;
        }, "the launcher's start summary and banner");
        awaitTrue(() -> status("GET", "/system/console/bundles", null, Map.of()) == 401, "Web Console on port " + port);
        System.out.printf("run %d: console up after %d ms%n", run, elapsedMs());
    }

    /** The exit code of a launcher that must end by itself (a refused start). */
    int awaitExit() throws InterruptedException {
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "run " + run + " did not end:\n" + stdout() + stderr());
        return process.exitValue();
    }

    /** The pools' Python workers, children of the launcher JVM, once all configured ones run. */
    List<ProcessHandle> awaitPythonWorkers(int expected) {
        awaitTrue(() -> pythonWorkers().size() >= expected,
                () -> expected + " Python workers (sum of the pools' sizes) under the launcher; running: "
                        + pythonWorkers().size());
        List<ProcessHandle> workers = pythonWorkers();
        System.out.printf("run %d: %d python workers after %d ms%n", run, workers.size(), elapsedMs());
        return workers;
    }

    /**
     * The Python workers: direct children of the JVM (spawned) and the children of its fork templates (forked); each
     * worker's guardian and its own children are theirs, not counted.
     */
    List<ProcessHandle> pythonWorkers() {
        List<ProcessHandle> found = new java.util.ArrayList<>();
        process.children()
               .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString())
                             .filter(name -> name.startsWith("python")).isPresent())
               .forEach(p -> {
                   if (p.info().arguments().map(a -> List.of(a).contains("--template")).orElse(false)) {
                       p.children().filter(ProcessHandle::isAlive).forEach(found::add);
                   } else {
                       found.add(p);
                   }
               });
        return found;
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

    /** For {@code @AfterEach}: whatever is left of this launcher and its workers. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    long elapsedMs() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    void awaitTrue(BooleanSupplier condition, String what) {
        awaitTrue(condition, () -> what);
    }

    void awaitTrue(BooleanSupplier condition, Supplier<String> what) {
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

    // ------------------------------------------------------------------ HTTP

    /** The status of a request, -1 when nothing listens, -2 on another I/O error. */
    int status(String method, String path, String credentials, Map<String, String> headers) {
        try {
            return send(method, path, credentials, headers, null).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        }
    }

    /** The body of a GET answered 200, else null. */
    /** {@code GET /pooler/api/pools}: the pools' JSON objects; empty when the node does not answer. */
    List<JsonObject> pools(String credentials) {
        String body = body("/pooler/api/pools", credentials);
        if (body == null) {
            return List.of();
        }
        JsonElement e = JsonParser.parseString(body);
        JsonArray array = e.isJsonArray() ? e.getAsJsonArray() : e.getAsJsonObject().getAsJsonArray("pools");
        List<JsonObject> out = new ArrayList<>();
        array.forEach(x -> out.add(x.getAsJsonObject()));
        return out;
    }

    String body(String path, String credentials) {
        try {
            HttpResponse<String> r = send("GET", path, credentials, Map.of(), null);
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @param credentials {@code user:password} for HTTP Basic, or null
     * @param body        sent as {@code application/x-www-form-urlencoded} unless the headers name a
     *                    Content-Type; or null
     */
    HttpResponse<String> send(String method, String path, String credentials, Map<String, String> headers,
                              String body) throws IOException {
        return send(method, path, credentials, headers, body, Duration.ofSeconds(5));
    }

    /** {@link #send(String, String, String, Map, String)} waiting up to {@code timeout} for the answer. */
    HttpResponse<String> send(String method, String path, String credentials, Map<String, String> headers,
                              String body, Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                           .timeout(timeout);
        if (credentials != null) {
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        headers.forEach(b::header);
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ------------------------------------------------------------------ metrics

    /**
     * Scrapes {@code /pooler/metrics} and has {@code promtool check metrics} lint it: the exposition must
     * parse and follow Prometheus' naming conventions. Returns the text.
     */
    String checkMetricsWithPromtool(String credentials, Path workDir) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", "/pooler/metrics", credentials, Map.of(), null);
        assertTrue(r.statusCode() == 200, "GET /pooler/metrics answered " + r.statusCode() + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                "content type " + r.headers().firstValue("Content-Type"));
        Path scraped = workDir.resolve("run" + run + "-metrics.txt");
        Files.writeString(scraped, r.body());
        PrometheusTools.Result lint = PrometheusTools.run(workDir, scraped,
                PrometheusTools.command("promtool", "check", "metrics").toArray(String[]::new));
        if (lint.exitCode() != 0 || !lint.output().isBlank()) {
            fail("promtool check metrics (exit " + lint.exitCode() + "):\n" + lint.output() + "\non " + scraped);
        }
        return r.body();
    }

    // ------------------------------------------------------------------ helpers

    /** A home whose conf/ holds one pool of one worker (a conf/ that exists is not seeded with the defaults). */
    static Path homeWithOneWorker(Path home) throws IOException {
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("dev.pooler.loadbalancing.cfg"), "strategy=round_robin\n");
        Files.writeString(conf.resolve("dev.pooler.pool-general_pool.cfg"),
                "pool.id=general_pool\nsize=1\ncapabilities=all\nadapter=bench\n");
        return home;
    }

    /** {@code pooler:<password>}: the console credentials the launcher generated into {@code home}. */
    static String generatedCredentials(Path home) throws IOException {
        return "pooler:" + Files.readString(home.resolve("console.password")).strip();
    }

    /** The {@code Authorization} header value for {@code user:password} credentials. */
    static String basicAuthorization(String credentials) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
