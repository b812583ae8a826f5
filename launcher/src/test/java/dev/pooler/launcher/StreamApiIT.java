package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
import java.util.concurrent.TimeUnit;
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
 * {@code POST /pooler/api/stream} and {@code POST /pooler/api/cancel/{id}} of the real launcher, over HTTP, with a real
 * worker: NDJSON chunks arrive while the worker still generates (the pool says it is busy after the first one), SSE by
 * {@code Accept}, a client that disconnects mid-stream gets its work cancelled (counted by the pool, worker kept), and a
 * stream cancelled by its id ends {@code CANCELLED}. One pool of one worker, so each count is this test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamApiIT {

    private static final String POOL = "stream_pool";

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
        Files.writeString(conf.resolve("dev.pooler.pool-" + POOL + ".cfg"),
                "pool.id=" + POOL + "\nsize=1\ncapabilities=all\nadapter=bench,testing,text\nrequest.timeout.ms=120000\n");
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1, Map.of(), List.of("-Xmx384m"));
        pooler.awaitConsole();
        credentials = LaunchedPooler.generatedCredentials(home);
        authorization = LaunchedPooler.basicAuthorization(credentials);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        pooler.awaitPythonWorkers(1);
        pooler.awaitTrue(() -> pool() != null && pool().get("idle").getAsInt() == 1, () -> "the pool's worker is idle: " + pool());
    }

    @AfterAll
    void kill() {
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    @Order(1)
    void ndjsonChunksArriveOneByOneWhileTheWorkerStillGenerates() throws Exception {
        HttpResponse<InputStream> r = stream("{\"command\":\"generate\",\"pool\":\"" + POOL + "\","
                + "\"args\":{\"prompt\":\"pools stream words\",\"sentences\":6,\"delay_ms\":400}}", false);
        assertEquals(200, r.statusCode());
        assertEquals("application/x-ndjson", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        try (BufferedReader in = reader(r)) {
            JsonObject first = JsonParser.parseString(in.readLine()).getAsJsonObject();
            assertTrue(first.get("id").getAsLong() >= 0, first.toString());
            JsonObject chunk0 = JsonParser.parseString(in.readLine()).getAsJsonObject();
            assertEquals(0, chunk0.getAsJsonObject("chunk").get("index").getAsInt());
            // counted at the source: the first sentence is here and the worker is still busy with the rest
            JsonObject busy = pool();
            assertEquals(1, busy.get("busy").getAsInt(), "the worker still generates: " + busy);
            List<Integer> indexes = new ArrayList<>(List.of(0));
            JsonObject last;
            while (true) {
                last = JsonParser.parseString(in.readLine()).getAsJsonObject();
                if (!last.has("chunk")) {
                    break;
                }
                indexes.add(last.getAsJsonObject("chunk").get("index").getAsInt());
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5), indexes);
            assertTrue(last.get("ok").getAsBoolean(), last.toString());
            assertEquals(6, last.getAsJsonObject("result").get("sentences").getAsInt());
            assertEquals(null, in.readLine(), "nothing after the answer");
        }
    }

    @Test
    @Order(2)
    void serverSentEventsWhenTheClientAcceptsThem() throws Exception {
        HttpResponse<InputStream> r = stream("{\"command\":\"chunks\",\"pool\":\"" + POOL + "\",\"args\":{\"n\":3}}", true);
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        List<String> events = new ArrayList<>();
        List<JsonElement> data = new ArrayList<>();
        try (BufferedReader in = reader(r)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    data.add(JsonParser.parseString(line.substring(6)));
                }
            }
        }
        assertEquals(List.of("id", "chunk", "chunk", "chunk", "result"), events);
        for (int i = 0; i < 3; i++) {
            assertEquals(i, data.get(1 + i).getAsJsonObject().getAsJsonObject("chunk").get("seq").getAsInt());
        }
        assertEquals(3, data.get(4).getAsJsonObject().getAsJsonObject("result").get("n").getAsInt());
    }

    @Test
    @Order(3)
    void aClientThatDisconnectsMidStreamHasItsWorkCancelledAndTheWorkerIsKept() throws Exception {
        long pid = workerPid();
        long cancelledBefore = pool().get("cancelled").getAsLong();
        String body = "{\"command\":\"wait_cancel\",\"pool\":\"" + POOL + "\",\"args\":{\"ms\":100000,\"ticks\":true}}";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), pooler.port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /pooler/api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (count(seen, "\"tick\"") < 5) {
                int n = in.read(buf);
                assertTrue(n > 0, "the stream ended early: " + seen);
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertEquals(1, pool().get("busy").getAsInt());
        } // the client goes away mid-stream
        pooler.awaitTrue(() -> {
            JsonObject p = pool();
            return p.get("cancelled").getAsLong() == cancelledBefore + 1 && p.get("idle").getAsInt() == 1;
        }, () -> "the disconnected stream's work is cancelled and its worker idle: " + pool());
        assertEquals(pid, workerPid(), "cooperative: the worker stopped by itself and was kept");
        assertEquals(0, pool().get("crashes").getAsLong());
    }

    @Test
    @Order(4)
    void aStreamCancelledByItsIdEndsCancelledAfterItsChunks() throws Exception {
        long cancelledBefore = pool().get("cancelled").getAsLong();
        HttpResponse<InputStream> r = stream("{\"command\":\"wait_cancel\",\"pool\":\"" + POOL + "\","
                + "\"args\":{\"ms\":100000,\"ticks\":true}}", false);
        try (BufferedReader in = reader(r)) {
            long id = JsonParser.parseString(in.readLine()).getAsJsonObject().get("id").getAsLong();
            assertTrue(JsonParser.parseString(in.readLine()).getAsJsonObject().has("chunk"));
            HttpResponse<String> c = http.send(HttpRequest.newBuilder(uri("/pooler/api/cancel/" + id))
                    .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, c.statusCode(), c.body());
            assertEquals(id, JsonParser.parseString(c.body()).getAsJsonObject().get("cancelled").getAsLong());
            JsonObject last;
            do {
                last = JsonParser.parseString(in.readLine()).getAsJsonObject();
            } while (last.has("chunk"));
            assertEquals(false, last.get("ok").getAsBoolean());
            assertEquals("CANCELLED", last.getAsJsonObject("error").get("kind").getAsString(), last.toString());
            assertEquals(null, in.readLine());
        }
        assertEquals(cancelledBefore + 1, pool().get("cancelled").getAsLong());
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri("/pooler/api/cancel/987654321"))
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, again.statusCode(), again.body());
    }

    // ------------------------------------------------------------------ helpers

    private HttpResponse<InputStream> stream(String body, boolean sse) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/pooler/api/stream")).header("Authorization", authorization)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sse) {
            b.header("Accept", "text/event-stream");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static BufferedReader reader(HttpResponse<InputStream> r) {
        return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pooler.port + path);
    }

    private JsonObject pool() {
        String text = pooler.body("/pooler/api/pools", credentials);
        if (text == null) {
            return null;
        }
        for (JsonElement e : JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("pools")) {
            if (POOL.equals(e.getAsJsonObject().get("id").getAsString())) {
                return e.getAsJsonObject();
            }
        }
        return null;
    }

    private long workerPid() {
        List<ProcessHandle> workers = pooler.pythonWorkers();
        assertEquals(1, workers.size(), "one worker");
        return workers.get(0).pid();
    }

    private static int count(CharSequence text, String what) {
        int n = 0;
        for (int i = text.toString().indexOf(what); i >= 0; i = text.toString().indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
