package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * Fault storms against the real launcher with the seed's three default pools, driven over HTTP by 16
 * clients while Python workers are SIGKILLed from outside (as the kernel's OOM killer or an operator
 * does). Every request must get exactly one answer — its own result or a typed error — the launcher
 * must stay up, and every pool must be back at full size by itself once the storm ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ChaosIT {

    static final int CLIENTS = 16;
    /** The recovery goal: 15 s once the storm ends, plus the longest probe backoff (RestartPolicy.RECOVERY_CAP_MS). */
    static final Duration RECOVERY_GOAL = Duration.ofSeconds(15 + 16);
    static final Set<String> TYPED = Set.of("WORKER_CRASHED", "SHUTTING_DOWN", "POOL_OVERLOADED", "TIMEOUT");
    static final String PASSWORD = "chaos-test-password-0123";

    @TempDir
    static Path tmp;

    private LaunchedPooler pooler;
    private String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What the clients saw, counted per request as its answer arrived. */
    static final class Tally {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong typed = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();
        final Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

        void problem(String p) {
            if (problems.size() < 20) {
                problems.add(p);
            }
        }

        long answered() {
            return ok.get() + typed.get() + wrong.get();
        }

        @Override
        public String toString() {
            return sent + " sent, " + ok + " results, " + typed + " typed errors " + kinds + ", " + wrong
                    + " wrong or untyped, " + unanswered + " unanswered; first problems: " + problems;
        }
    }

    @BeforeAll
    void launch() throws Exception {
        Path home = tmp.resolve("home");
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1,
                Map.of("POOLER_CONSOLE_USER", "pooler", "POOLER_CONSOLE_PASSWORD", PASSWORD), List.of("-Xmx768m"));
        pooler.awaitConsole();
        authorization = "Basic " + Base64.getEncoder().encodeToString(("pooler:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        pooler.awaitTrue(this::allPoolsFull, () -> "the default pools at full size: " + pools());
    }

    @AfterAll
    void kill() {
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    @Order(1)
    void aKillEvery100msFor20sLosesNoAnswerAndEveryPoolComesBackByItself() throws Exception {
        Tally tally = new Tally();
        long kills = storm(tally, 100, Duration.ofSeconds(20));
        long stormEnded = System.nanoTime();
        long recoveredMs = awaitRecovery(stormEnded);
        System.out.printf("chaos (kill every 100 ms for 20 s): %d kills; %s; all pools back at full size %d ms after the storm%n",
                kills, tally, recoveredMs);
        assertTrue(pooler.process.isAlive(), "the launcher stays up");
        assertEquals(0, tally.unanswered.get(), "every request is answered: " + tally);
        assertEquals(0, tally.wrong.get(), "every answer is the request's own result or a typed error: " + tally);
        assertEquals(tally.sent.get(), tally.answered(), tally.toString());
        assertTrue(tally.ok.get() > 0, "requests succeed during the storm: " + tally);
    }

    @Test
    @Order(2)
    void aKillEverySecondFor60sCostsUnderOnePercentOfRequests() throws Exception {
        Tally tally = new Tally();
        long kills = storm(tally, 1000, Duration.ofSeconds(60));
        long recoveredMs = awaitRecovery(System.nanoTime());
        double success = (double) tally.ok.get() / Math.max(1, tally.sent.get());
        System.out.printf("chaos (kill every second for 60 s): %d kills; %s; success %.4f; full size %d ms after%n",
                kills, tally, success, recoveredMs);
        assertEquals(0, tally.unanswered.get(), tally.toString());
        assertEquals(0, tally.wrong.get(), tally.toString());
        assertTrue(success >= 0.99, "at least 99 % succeed: " + tally);
        Map<String, JsonObject> pools = pools();
        for (JsonObject p : pools.values()) {
            assertEquals("RUNNING", p.get("state").getAsString(), "kills from outside never fail a pool: " + p);
        }
    }

    /** Runs the clients while a killer SIGKILLs a random worker every {@code everyMs}; returns the kills. */
    private long storm(Tally tally, long everyMs, Duration length) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> client(client, tally, stop), "chaos-client-" + c);
            t.start();
            clients.add(t);
        }
        SplittableRandom random = new SplittableRandom(42);
        long kills = 0;
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            List<ProcessHandle> workers = pooler.pythonWorkers();
            if (!workers.isEmpty() && workers.get(random.nextInt(workers.size())).destroyForcibly()) {
                kills++;
            }
            Thread.sleep(everyMs);
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join(TimeUnit.SECONDS.toMillis(90));
        }
        return kills;
    }

    /** One client: requests one after another, each checked against its own answer. */
    private void client(int client, Tally tally, AtomicBoolean stop) {
        SplittableRandom random = new SplittableRandom(client);
        for (long i = 0; !stop.get(); i++) {
            String marker = client + "-" + i;
            boolean embed = random.nextInt(3) == 0;
            int dim = 8 + random.nextInt(24);
            String body = embed
                    ? "{\"command\":\"embed\",\"args\":{\"text\":\"chaos " + marker + "\",\"dim\":" + dim + "}}"
                    : "{\"command\":\"echo\",\"args\":{\"marker\":\"" + marker + "\"}}";
            tally.sent.incrementAndGet();
            HttpResponse<String> r;
            try {
                r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pooler.port + "/pooler/api/execute"))
                        .timeout(Duration.ofSeconds(90))
                        .header("Authorization", authorization)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                tally.unanswered.incrementAndGet();
                tally.problem("no answer to " + body + ": " + e);
                continue;
            }
            classify(tally, r, embed, marker, dim);
        }
    }

    private static void classify(Tally tally, HttpResponse<String> r, boolean embed, String marker, int dim) {
        JsonObject reply;
        try {
            reply = JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (RuntimeException e) {
            tally.wrong.incrementAndGet();
            tally.problem(r.statusCode() + " not JSON: " + r.body());
            return;
        }
        if (r.statusCode() == 200) {
            JsonElement result = reply.get("result");
            boolean mine = embed
                    ? result != null && result.isJsonObject() && result.getAsJsonObject().get("dim").getAsInt() == dim
                            && result.getAsJsonObject().getAsJsonArray("embedding").size() == dim
                    : result != null && result.isJsonObject() && marker.equals(result.getAsJsonObject().get("marker").getAsString());
            if (mine) {
                tally.ok.incrementAndGet();
            } else {
                tally.wrong.incrementAndGet();
                tally.problem("another's answer for " + marker + ": " + r.body());
            }
            return;
        }
        JsonObject error = reply.has("error") && reply.get("error").isJsonObject() ? reply.getAsJsonObject("error") : null;
        String kind = error == null || !error.has("kind") ? null : error.get("kind").getAsString();
        if (kind != null && TYPED.contains(kind) && r.statusCode() >= 500) {
            tally.typed.incrementAndGet();
            tally.kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        } else {
            tally.wrong.incrementAndGet();
            tally.problem(r.statusCode() + " " + r.body());
        }
    }

    /** Waits until every pool is RUNNING at its size; returns how long that took after {@code fromNanos}. */
    private long awaitRecovery(long fromNanos) throws InterruptedException {
        long deadline = fromNanos + RECOVERY_GOAL.toNanos();
        while (!allPoolsFull()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pools were not back at full size within " + RECOVERY_GOAL.toSeconds()
                        + " s of the storm's end: " + pools());
            }
            Thread.sleep(100);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos);
    }

    private boolean allPoolsFull() {
        Map<String, JsonObject> pools = pools();
        return pools.size() == 3 && pools.values().stream().allMatch(p -> "RUNNING".equals(p.get("state").getAsString())
                && p.get("workers").getAsInt() == p.get("size").getAsInt());
    }

    private Map<String, JsonObject> pools() {
        Map<String, JsonObject> out = new HashMap<>();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pooler.port
                    + "/pooler/api/pools")).timeout(Duration.ofSeconds(10)).header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return out;
            }
            for (JsonElement p : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("pools")) {
                out.put(p.getAsJsonObject().get("id").getAsString(), p.getAsJsonObject());
            }
        } catch (Exception e) {
            // not up (yet): an empty answer
        }
        return out;
    }
}
