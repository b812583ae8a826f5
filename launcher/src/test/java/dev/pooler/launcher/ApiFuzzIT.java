package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws at the real launcher's {@code POST /pooler/api/execute}, over HTTP, {@value #DEFAULT_BODIES} bodies that must
 * be refused (made by {@link FuzzedBody} from a printed seed: rerun one with {@code -Dpooler.fuzz.seed=…}). Each must
 * get a 4xx with a JSON error naming the problem, within a client timeout; none may cost a worker; afterwards the pools
 * serve as before. Then: a client that never reads its (large) reply holds nothing but its own connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ApiFuzzIT {

    private static final int DEFAULT_BODIES = 10_000;
    private static final long SEED = Long.getLong("pooler.fuzz.seed", 20_240_611L);
    private static final int BODIES = Integer.getInteger("pooler.fuzz.bodies", DEFAULT_BODIES);
    private static final int CLIENTS = 6;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    private LaunchedPooler pooler;
    private String credentials;
    private String authorization;
    private HttpClient http;

    @BeforeAll
    void launch() throws Exception {
        Path home = tmp.resolve("home");
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("dev.pooler.loadbalancing.cfg"), "strategy=round_robin\n");
        Files.writeString(conf.resolve("dev.pooler.pool-general_pool.cfg"),
                "pool.id=general_pool\nsize=2\ncapabilities=all\nadapter=bench,text\nrequest.timeout.ms=15000\n");
        Files.writeString(conf.resolve("dev.pooler.pool-embedding_pool.cfg"), "pool.id=embedding_pool\npool.type=embedding\n"
                + "size=1\ncapabilities=embedding,similarity\nadapter=text\nrequest.timeout.ms=15000\n");
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1, Map.of(), List.of("-Xmx512m"));
        pooler.awaitConsole();
        credentials = LaunchedPooler.generatedCredentials(home);
        authorization = LaunchedPooler.basicAuthorization(credentials);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        pooler.awaitPythonWorkers(3);
        pooler.awaitTrue(() -> {
            Map<String, JsonObject> pools = pools();
            return pools.keySet().equals(Set.copyOf(FuzzedBody.POOLS))
                    && pools.values().stream().allMatch(p -> "RUNNING".equals(p.get("state").getAsString())
                            && p.get("workers").getAsInt() == p.get("size").getAsInt());
        }, () -> "both pools running with all their workers: " + pools());
    }

    @AfterAll
    void kill() {
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    @Order(1)
    void everyFuzzedBodyIsRefusedWithA4xxNamingTheProblemAndCostsNoWorker() throws Exception {
        System.out.printf("fuzz: seed %d, %d bodies, %d clients (rerun: -Dpooler.fuzz.seed=%d)%n", SEED, BODIES, CLIENTS, SEED);
        Set<Long> workersBefore = workerPids();
        long[] troubleBefore = crashesAndRestarts();

        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, LongAdder> byCategory = new ConcurrentHashMap<>();
        Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        Map<String, LongAdder> failedByCategory = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        Map<Integer, FuzzedBody> inFlight = new ConcurrentHashMap<>();
        AtomicLong slowest = new AtomicLong();
        long t0 = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            clients.execute(() -> {
                for (int i = next.getAndIncrement(); i < BODIES; i = next.getAndIncrement()) {
                    FuzzedBody body;
                    try {
                        body = FuzzedBody.make(SEED, i);
                    } catch (RuntimeException e) {
                        failures.add("#" + i + ": the generator failed: " + e);
                        continue;
                    }
                    inFlight.put(i, body);
                    Reply reply = post(body);
                    inFlight.remove(i);
                    byCategory.computeIfAbsent(body.category(), k -> new LongAdder()).increment();
                    byStatus.computeIfAbsent(reply.status, k -> new LongAdder()).increment();
                    slowest.accumulateAndGet(reply.millis, Math::max);
                    String problem = problem(body, reply);
                    if (problem != null) {
                        failedByCategory.computeIfAbsent(body.category(), k -> new LongAdder()).increment();
                        failures.add("#" + body.index() + " " + body.category() + (body.chunked() ? " (chunked)" : "")
                                + (body.expectContinue() ? " (100-continue)" : "")
                                + ": " + problem + "\n    body: " + body.excerpt() + "\n    reply: " + reply.status + " " + clip(reply.body));
                    }
                }
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(120, TimeUnit.SECONDS)) {
            clients.shutdownNow();
            fail("the fuzz did not end in 120 s; waiting for: " + inFlight.values().stream()
                    .map(b -> "#" + b.index() + " " + b.category() + ": " + b.excerpt()).collect(Collectors.joining("\n")));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("fuzz: %d bodies in %d ms (%.0f/s), slowest reply %d ms%n  by category: %s%n  by status: %s%n",
                BODIES, ms, BODIES * 1000.0 / ms, slowest.get(), sorted(byCategory), sorted(byStatus));

        assertTrue(failures.isEmpty(), failures.size() + " of " + BODIES + " bodies (seed " + SEED + ") were not refused as they must be, "
                + "by category " + sorted(failedByCategory) + ":\n"
                + failures.stream().limit(25).collect(Collectors.joining("\n")));
        assertEquals(workersBefore, workerPids(), "the same Python workers before and after");
        assertEquals(List.of(troubleBefore[0], troubleBefore[1]), List.of(crashesAndRestarts()[0], crashesAndRestarts()[1]),
                "no worker crashed or was restarted (crashes, restarts)");
        for (int i = 0; i < 8; i++) {
            Reply echo = post("{\"command\":\"echo\",\"args\":{\"x\":1}}");
            assertEquals(200, echo.status, echo.body);
            assertEquals(1, JsonParser.parseString(echo.body).getAsJsonObject().getAsJsonObject("result").get("x").getAsInt(), echo.body);
        }
        Reply embed = post("{\"command\":\"embed\",\"pool\":\"embedding_pool\",\"args\":{\"text\":\"still here\"}}");
        assertEquals(200, embed.status, embed.body);
    }

    /** The router's part: it names what exists. Kept apart so that its state does not hide the API's. */
    @Test
    @Order(2)
    void anUnknownPoolOrStrategyIsRefusedNamingThePoolsOrStrategiesThatExist() {
        List<String> strategies = new ArrayList<>();
        JsonObject model = JsonParser.parseString(pooler.body("/system/console/pooler/data.json", credentials)).getAsJsonObject();
        model.getAsJsonObject("strategy").getAsJsonArray("available").forEach(e -> strategies.add(e.getAsString()));
        System.out.println("strategies present: " + strategies);

        List<String> failures = new ArrayList<>();
        for (String name : List.of("", "General_Pool", "nope", "pool \"quoted\" <b>", "général_😀", "x".repeat(3000))) {
            check(failures, "pool", name, FuzzedBody.POOLS);
            check(failures, "strategy", name, strategies);
        }
        assertTrue(failures.isEmpty(), failures.size() + " refusals do not name what exists:\n" + String.join("\n", failures));
    }

    private void check(List<String> failures, String field, String name, List<String> existing) {
        Reply r = post("{\"command\":\"echo\",\"" + field + "\":" + FuzzedBody.quote(name) + "}");
        String message = r.status >= 400 && r.status < 500 ? errorOf(r).get("message").getAsString() : "";
        List<String> unnamed = existing.stream().filter(e -> !message.contains(e)).toList();
        if (r.status < 400 || r.status >= 500 || !unnamed.isEmpty()) {
            failures.add("unknown " + field + " '" + clip(name) + "': " + r.status + " " + clip(r.body)
                    + (r.status >= 400 && r.status < 500 ? " (does not name " + unnamed + ")" : " (not a 4xx)"));
        }
    }

    /**
     * Clients that send for a reply of megabytes and never read it: each holds its own connection and its buffered
     * reply, but no worker and no thread — everyone else is served at once.
     */
    @Test
    @Order(3)
    void clientsThatNeverReadTheirRepliesHoldNothingButTheirConnections() throws Exception {
        long[] troubleBefore = crashesAndRestarts();
        long completedBefore = pools().get("general_pool").get("completed").getAsLong();
        // '<' is written as \u003c: a 1 MB body comes back as a 6 MB reply, more than the sockets' buffers take
        byte[] body = ("{\"command\":\"echo\",\"pool\":\"general_pool\",\"args\":{\"s\":\"" + "<".repeat(1_000_000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), pooler.port), 2000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /pooler/api/execute HTTP/1.1\r\nHost: 127.0.0.1:" + pooler.port + "\r\nAuthorization: "
                        + authorization + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                stalled.add(s);
            }
            pooler.awaitTrue(() -> pools().get("general_pool").get("completed").getAsLong() >= completedBefore + 6,
                    "the workers answered the six requests whose replies nobody reads");
            Thread.sleep(500); // the replies fill the sockets' buffers and stop
            List<String> inTheApi = threadsInTheApi();
            assertTrue(inTheApi.isEmpty(), inTheApi.size() + " threads of the launcher are held by replies nobody reads:\n"
                    + String.join("\n\n", inTheApi));
            for (int i = 0; i < 20; i++) {
                Reply echo = post("{\"command\":\"echo\",\"pool\":\"general_pool\",\"args\":{\"i\":" + i + "}}", Duration.ofSeconds(5));
                assertEquals(200, echo.status, "echo " + i + " while six clients do not read: " + echo.body);
            }
            assertEquals(List.of(troubleBefore[0], troubleBefore[1]), List.of(crashesAndRestarts()[0], crashesAndRestarts()[1]),
                    "no worker crashed or was restarted (crashes, restarts)");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------ checks

    /** The launcher's threads (from a thread dump) that are inside the HTTP API's code right now. */
    private List<String> threadsInTheApi() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pooler.process.pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(dump.waitFor(30, TimeUnit.SECONDS) && dump.exitValue() == 0, "jcmd Thread.print: " + text);
        return java.util.Arrays.stream(text.split("\n\\s*\n"))
                               .filter(t -> t.contains("at dev.pooler.webconsole.http.")) // frames, not a JIT compiling them
                               .toList();
    }

    /** Why the reply is not the refusal the body must get, or null. */
    private static String problem(FuzzedBody b, Reply r) {
        if (r.status == -1) {
            return "no reply within " + REPLY_TIMEOUT.toSeconds() + " s";
        }
        if (r.status < 0) {
            return "the connection failed: " + r.body;
        }
        if (r.status < 400 || r.status >= 500) {
            return "status " + r.status + ", not a 4xx";
        }
        if (b.status() != 0 && r.status != b.status()) {
            return "status " + r.status + ", expected " + b.status();
        }
        if (!r.contentType.startsWith("application/json")) {
            return "Content-Type " + r.contentType;
        }
        JsonObject error;
        try {
            error = errorOf(r);
        } catch (RuntimeException e) {
            return "not a JSON error {\"ok\":false,\"error\":{\"kind\":…,\"message\":…}}: " + e.getMessage();
        }
        String kind = error.get("kind").getAsString();
        String message = error.get("message").getAsString();
        if (kind.isBlank() || message.isBlank()) {
            return "an empty kind or message";
        }
        if (b.kind() != null && !b.kind().equals(kind)) {
            return "kind " + kind + ", expected " + b.kind();
        }
        if (b.says() != null && !message.contains(b.says())) {
            return "the message does not say \"" + clip(b.says()) + "\"";
        }
        return null;
    }

    private static JsonObject errorOf(Reply r) {
        JsonObject o = JsonParser.parseString(r.body).getAsJsonObject();
        if (o.get("ok").getAsBoolean()) {
            throw new IllegalStateException("ok is true");
        }
        JsonObject error = o.getAsJsonObject("error");
        error.get("kind").getAsString();
        error.get("message").getAsString();
        return error;
    }

    private Set<Long> workerPids() {
        return pooler.pythonWorkers().stream().map(ProcessHandle::pid).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Summed over the pools. */
    private long[] crashesAndRestarts() {
        long crashes = 0;
        long restarts = 0;
        for (JsonObject p : pools().values()) {
            crashes += p.get("crashes").getAsLong();
            restarts += p.get("restarts").getAsLong();
        }
        return new long[] {crashes, restarts};
    }

    private Map<String, JsonObject> pools() {
        String text = pooler.body("/pooler/api/pools", credentials);
        Map<String, JsonObject> pools = new TreeMap<>();
        if (text != null) {
            for (JsonElement e : JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("pools")) {
                pools.put(e.getAsJsonObject().get("id").getAsString(), e.getAsJsonObject());
            }
        }
        return pools;
    }

    // ------------------------------------------------------------------ HTTP

    private record Reply(int status, String contentType, String body, long millis) {
    }

    private Reply post(String json) {
        return post(json, REPLY_TIMEOUT);
    }

    private Reply post(String json, Duration timeout) {
        return send(json.getBytes(StandardCharsets.UTF_8), "application/json", false, timeout);
    }

    private Reply post(FuzzedBody b) {
        return b.expectContinue() ? sendAfterContinue(b) : send(b.body(), b.contentType(), b.chunked(), REPLY_TIMEOUT);
    }

    /** -1: no reply in time; -2: the connection failed. */
    private Reply send(byte[] body, String contentType, boolean chunked, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pooler.port + "/pooler/api/execute"))
                                           .timeout(timeout)
                                           .header("Authorization", authorization);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofByteArray(body);
        b.POST(chunked ? HttpRequest.BodyPublishers.fromPublisher(bytes) : bytes); // no length: chunked
        long t0 = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    new String(r.body(), StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
        } catch (HttpTimeoutException e) {
            return new Reply(-1, "", e.toString(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            return new Reply(-2, "", e.toString(), (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-2, "", e.toString(), 0);
        }
    }

    /**
     * With {@code Expect: 100-continue}, over a plain socket: the JDK 17 HttpClient waits for ever (past its own timeout)
     * when the answer is a refusal instead of {@code 100 Continue}. The body is sent only after a 100.
     */
    private Reply sendAfterContinue(FuzzedBody b) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), pooler.port), 2000);
            s.setSoTimeout((int) REPLY_TIMEOUT.toMillis());
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
            InputStream in = new BufferedInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder("POST /pooler/api/execute HTTP/1.1\r\nHost: 127.0.0.1:" + pooler.port
                    + "\r\nAuthorization: " + authorization + "\r\nExpect: 100-continue\r\nConnection: close\r\n");
            if (b.contentType() != null) {
                head.append("Content-Type: ").append(b.contentType()).append("\r\n");
            }
            head.append(b.chunked() ? "Transfer-Encoding: chunked" : "Content-Length: " + b.body().length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            int status = readHead(in, headers);
            if (status == 100) {
                if (b.chunked()) {
                    for (int at = 0; at < b.body().length; at += 65536) {
                        int n = Math.min(65536, b.body().length - at);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(b.body(), at, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(b.body());
                }
                out.flush();
                headers.clear();
                status = readHead(in, headers);
            }
            byte[] body = headers.containsKey("Content-Length")
                    ? in.readNBytes(Integer.parseInt(headers.get("Content-Length").strip())) : in.readAllBytes();
            return new Reply(status, headers.getOrDefault("Content-Type", ""), new String(body, StandardCharsets.UTF_8),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (SocketTimeoutException e) {
            return new Reply(-1, "", e.toString(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            return new Reply(-2, "", e.toString(), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** The status line and headers of a response; the status. */
    private static int readHead(InputStream in, Map<String, String> headers) throws IOException {
        String status = line(in);
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        return Integer.parseInt(status.split(" ")[1]);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed in the middle of a response head: " + s);
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "… (" + s.length() + " characters)";
    }

    private static <K extends Comparable<K>> Map<K, Long> sorted(Map<K, LongAdder> counts) {
        Map<K, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
