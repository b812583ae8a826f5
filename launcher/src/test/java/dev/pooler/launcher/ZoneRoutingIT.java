package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zone-aware routing across two launcher processes (issue 12): A (zone east, embedded ZooKeeper) and B (zone west)
 * each run a pool {@code general} of two workers. Requests sent to A without naming a pool stay on A's own pool while
 * it has a free worker; with both its workers held by requests that wait until cancelled, they spill to
 * {@code general@B}; once those are cancelled, they come back. A request naming zone west goes to B however idle A is.
 * Where each request was served is read from its answer ({@code "pool"}), never from timing.
 */
class ZoneRoutingIT {

    private static final String PASSWORD = "zone-routing-it-pass";
    private static final String CREDENTIALS = "pooler:" + PASSWORD;
    private static final String LOCAL = "general";
    private static final String REMOTE = "general@B";
    private static final int REQUESTS = 12;

    @TempDir
    Path tmp;

    private final List<LaunchedPooler> launched = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void killAll() {
        launched.forEach(LaunchedPooler::kill);
    }

    @Test
    void requestsStayInTheirZoneAndSpillWhenItsPoolsAreSaturated() throws Exception {
        int zk = LaunchedPooler.freePort();
        LaunchedPooler a = launch(1, "A", "east", "embedded", zk);
        LaunchedPooler b = launch(2, "B", "west", "127.0.0.1:" + zk, zk);
        a.awaitConsole();
        b.awaitConsole();
        a.awaitTrue(() -> idle(a, REMOTE) == 2, () -> REMOTE + " on A with 2 idle workers: " + pools(a));
        a.awaitTrue(() -> idle(a, LOCAL) == 2, () -> LOCAL + " on A with 2 idle workers: " + pools(a));

        // Idle: every request stays in A's zone.
        assertEquals(Map.of(LOCAL, REQUESTS), servedBy(a, "{}"), "idle local pool: all in east");
        // A request naming zone west goes there, however idle A is.
        assertEquals(Map.of(REMOTE, REQUESTS), servedBy(a, "{\"zone\":\"west\"}"), "zone named by the request");

        // Both of A's workers held (requests that run until cancelled): A's zone is at 1 request per worker.
        List<Held> held = List.of(hold(a), hold(a));
        a.awaitTrue(() -> idle(a, LOCAL) == 0, () -> LOCAL + " saturated: " + pools(a));
        Map<String, Integer> spilled = servedBy(a, "{}");
        for (Held h : held) {
            assertTrue(h.running(), "the holding requests still run"); // else the spill phase proved nothing
        }
        assertEquals(Map.of(REMOTE, REQUESTS), spilled, "saturated east: all spilled to west");

        // Released: back to east.
        for (Held h : held) {
            assertEquals("CANCELLED", h.cancel(a), "a held request ends cancelled");
        }
        a.awaitTrue(() -> idle(a, LOCAL) == 2, () -> LOCAL + " idle again: " + pools(a));
        assertEquals(Map.of(LOCAL, REQUESTS), servedBy(a, "{}"), "load fell: back in east");
    }

    /** Sends {@link #REQUESTS} echo requests to {@code p} one after the other; counts the pools that served them. */
    private Map<String, Integer> servedBy(LaunchedPooler p, String args) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> r = p.send("POST", "/pooler/api/execute", CREDENTIALS,
                    Map.of("Content-Type", "application/json"), "{\"command\":\"echo\",\"args\":" + args + "}");
            JsonObject answer = JsonParser.parseString(r.body()).getAsJsonObject();
            assertTrue(answer.get("ok").getAsBoolean(), answer.toString());
            out.merge(answer.get("pool").getAsString(), 1, Integer::sum);
        }
        return out;
    }

    /** A request on A's own pool that runs until cancelled, streamed so that its id is known. */
    private final class Held {
        final long id;
        final BufferedReader in;

        Held(long id, BufferedReader in) {
            this.id = id;
            this.in = in;
        }

        boolean running() throws IOException {
            String line = in.readLine(); // ticks keep coming while it runs
            return line != null && JsonParser.parseString(line).getAsJsonObject().has("chunk");
        }

        /** Cancels it; returns the kind of error it ended with. */
        String cancel(LaunchedPooler p) throws Exception {
            HttpResponse<String> c = http.send(HttpRequest.newBuilder(uri(p, "/pooler/api/cancel/" + id))
                    .header("Authorization", LaunchedPooler.basicAuthorization(CREDENTIALS))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, c.statusCode(), c.body());
            JsonObject last;
            do {
                last = JsonParser.parseString(in.readLine()).getAsJsonObject();
            } while (last.has("chunk"));
            in.close();
            return last.has("error") ? last.getAsJsonObject("error").get("kind").getAsString() : "ok";
        }
    }

    private Held hold(LaunchedPooler p) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri(p, "/pooler/api/stream"))
                .header("Authorization", LaunchedPooler.basicAuthorization(CREDENTIALS))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"wait_cancel\",\"pool\":\"" + LOCAL
                        + "\",\"args\":{\"ms\":600000,\"ticks\":true}}")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        long id = JsonParser.parseString(in.readLine()).getAsJsonObject().get("id").getAsLong();
        Held h = new Held(id, in);
        assertTrue(h.running(), "the holding request runs");
        return h;
    }

    private LaunchedPooler launch(int run, String node, String zone, String discovery, int zkPort) throws IOException {
        Path home = tmp.resolve("home-" + node);
        Path conf = Files.createDirectories(home.resolve("conf"));
        // Zone preference as shipped (prefer, spill at 1 request per worker); round_robin would alternate among
        // whatever candidates the zone rule leaves, so a request that escaped the rule would show.
        Files.writeString(conf.resolve("dev.pooler.loadbalancing.cfg"), "strategy=round_robin\n");
        Files.writeString(conf.resolve("dev.pooler.pool-" + LOCAL + ".cfg"), "pool.id=" + LOCAL
                + "\nsize=2\ncapabilities=all\nadapter=bench,testing\nrequest.timeout.ms=600000\n");
        Path work = Files.createDirectories(tmp.resolve("work-" + run));
        LaunchedPooler p = LaunchedPooler.start(work, home, LaunchedPooler.freePort(), run,
                Map.of("POOLER_CONSOLE_USER", "pooler", "POOLER_CONSOLE_PASSWORD", PASSWORD,
                        "POOLER_NODE", node, "POOLER_ZONE", zone, "POOLER_DISCOVERY", discovery,
                        "POOLER_DISCOVERY_PORT", Integer.toString(zkPort)),
                List.of("-Xmx384m"));
        launched.add(p);
        return p;
    }

    private static URI uri(LaunchedPooler p, String path) {
        return URI.create("http://127.0.0.1:" + p.port + path);
    }

    /** The idle workers of pool {@code id} on {@code p}, -1 while it is not listed. */
    private static int idle(LaunchedPooler p, String id) {
        for (JsonObject pool : pools(p)) {
            if (pool.get("id").getAsString().equals(id)) {
                return pool.get("idle").getAsInt();
            }
        }
        return -1;
    }

    private static List<JsonObject> pools(LaunchedPooler p) {
        return p.pools(CREDENTIALS);
    }
}
