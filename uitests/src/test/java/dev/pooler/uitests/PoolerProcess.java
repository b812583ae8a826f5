package dev.pooler.uitests;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code java -jar pooler.jar} as a child process, with its own home, port and console credentials. */
final class PoolerProcess implements AutoCloseable {

    final Path home;
    final int port;
    final String user = "uitest";
    final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PoolerProcess(Path jar, Path home, Path log) throws IOException {
        this.home = home;
        this.port = freePort();
        this.log = log;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("POOLER_HOME", home.toString());
        pb.environment().put("POOLER_HTTP_PORT", Integer.toString(port));
        pb.environment().put("POOLER_CONSOLE_USER", user);
        pb.environment().put("POOLER_CONSOLE_PASSWORD", password);
        this.process = pb.start();
    }

    /** Starts the launcher; {@code home} may already hold files in {@code conf/}. */
    static PoolerProcess start(Path jar, Path home, Path log) throws IOException {
        return new PoolerProcess(jar, home, log);
    }

    /**
     * Starts the built launcher ({@code pooler.jar}) in a fresh home under {@code out} with its default pools and
     * waits until the three run; its log is {@code launcher-<tag>.log}.
     */
    static PoolerProcess startWithDefaultPools(Path out, String tag) throws Exception {
        Path jar = Path.of(System.getProperty("pooler.jar", "../launcher/target/pooler.jar")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory(out, "pooler-home-" + tag + "-");
        PoolerProcess pooler = start(jar, home, out.resolve("launcher-" + tag + ".log"));
        pooler.await("/pooler/api/pools", o -> o.getAsJsonArray("pools").size() == 3 && o.getAsJsonArray("pools").asList()
                .stream().allMatch(p -> p.getAsJsonObject().get("state").getAsString().equals("RUNNING")), Duration.ofSeconds(120));
        return pooler;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** GET with the console credentials; the body, or an exception for a status other than 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", authorization()).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** POST with the console credentials; the response. */
    HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", authorization()).header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonObject json(String path) throws IOException, InterruptedException {
        return JsonParser.parseString(get(path)).getAsJsonObject();
    }

    /** Waits until the console's JSON satisfies the condition; fails with the log's tail otherwise. */
    JsonObject await(String path, Predicate<JsonObject> condition, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the launcher exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                JsonObject o = json(path);
                if (condition.test(o)) {
                    return o;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting for " + path + (last == null ? "" : " (" + last.getMessage() + ")")
                + "\n--- launcher log ---\n" + logTail());
    }

    String logTail() {
        try {
            String s = Files.readString(log);
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the launcher as SIGTERM would (its pools stop their workers), forcibly after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
