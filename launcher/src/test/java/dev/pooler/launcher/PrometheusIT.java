package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a Prometheus user meets it: {@code promtool check metrics} passes on its exposition, and a
 * real Prometheus server (Debian's) scraping {@code /pooler/metrics} with basic auth answers the README's
 * p99 query per pool, and loads the shipped alert rules without error.
 */
class PrometheusIT {

    private static final String P99 = "histogram_quantile(0.99, sum by (le, pool) (rate(pooler_request_duration_seconds_bucket[1m])))";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    private LaunchedPooler pooler;
    private Process prometheus;

    @AfterEach
    void stopAll() {
        if (prometheus != null) {
            prometheus.destroyForcibly();
        }
        if (pooler != null) {
            pooler.kill();
        }
    }

    @Test
    void promtoolPassesTheExpositionAndPrometheusAnswersTheP99PerPool() throws Exception {
        Path home = tmp.resolve("home");
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("dev.pooler.loadbalancing.cfg"), "strategy=round_robin\n");
        Files.writeString(conf.resolve("dev.pooler.pool-general_pool.cfg"),
                "pool.id=general_pool\nsize=1\ncapabilities=general\nadapter=bench\n");
        Files.writeString(conf.resolve("dev.pooler.pool-embedding_pool.cfg"),
                "pool.id=embedding_pool\npool.type=embedding\nsize=1\ncapabilities=embedding\nadapter=text\n");
        pooler = LaunchedPooler.start(tmp, home, LaunchedPooler.freePort(), 1, Map.of(), List.of("-Xmx512m"));
        pooler.awaitConsole();
        pooler.awaitPythonWorkers(2);
        String password = Files.readString(home.resolve("console.password")).strip();
        String credentials = "pooler:" + password;
        pooler.awaitTrue(() -> load(credentials) == 2, "one answer from each pool");

        // ---- the exposition, linted by promtool, holds the histograms with bounded labels
        String text = pooler.checkMetricsWithPromtool(credentials, tmp);
        assertTrue(text.contains("# TYPE pooler_request_duration_seconds histogram"), text);
        for (String series : List.of(
                "pooler_request_duration_seconds_bucket{family=\"general\",pool=\"general_pool\",le=\"+Inf\"}",
                "pooler_request_duration_seconds_bucket{family=\"embedding\",pool=\"embedding_pool\",le=\"+Inf\"}",
                "pooler_queue_wait_seconds_count{pool=\"general_pool\"}",
                "pooler_worker_start_seconds_count{pool=\"embedding_pool\"}",
                "pooler_routing_decision_seconds_count{strategy=\"round_robin\"}")) {
            assertTrue(text.contains(series), series + " in\n" + text);
        }
        assertEquals(1, count(text, "pooler_worker_start_seconds_count{pool=\"general_pool\"}"), "one worker started");

        // ---- a real Prometheus scrapes it with basic auth, loads the alert rules, answers the p99 per pool
        int port = LaunchedPooler.freePort();
        startPrometheus(port, password);
        pooler.awaitTrue(() -> ready(port), "Prometheus ready on port " + port);
        Map<String, Double> p99 = new TreeMap<>();
        pooler.awaitTrue(() -> {
            load(credentials); // new observations between scrapes: rate() needs them
            p99.clear();
            p99.putAll(p99ByPool(port));
            return p99.keySet().equals(java.util.Set.of("embedding_pool", "general_pool"))
                    && p99.values().stream().allMatch(v -> v > 0 && v < 60);
        }, () -> "Prometheus' answer to " + P99 + " for both pools; so far " + p99);
        System.out.println("p99 per pool from Prometheus: " + p99);
        JsonObject rules = query(port, "/api/v1/rules");
        String health = rules.toString();
        assertTrue(health.contains("\"name\":\"PoolerP99LatencyHigh\"") && !health.contains("\"health\":\"err\""), health);
    }

    /** Three requests of each family through the HTTP API; how many pools answered (0..2). */
    private int load(String credentials) {
        int ok = 0;
        for (String body : List.of("{\"command\":\"echo\",\"args\":{\"n\":1}}", "{\"command\":\"embed\",\"args\":{\"text\":\"a b\",\"dim\":8}}")) {
            boolean answered = false;
            for (int i = 0; i < 3; i++) {
                try {
                    HttpResponse<String> r = pooler.send("POST", "/pooler/api/execute", credentials,
                            Map.of("Content-Type", "application/json"), body);
                    answered |= r.statusCode() == 200;
                } catch (java.io.IOException e) {
                    // counted as not answered
                }
            }
            ok += answered ? 1 : 0;
        }
        return ok;
    }

    private void startPrometheus(int port, String password) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("prometheus"));
        Path passwordFile = dir.resolve("pooler.password");
        Files.writeString(passwordFile, password);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        Files.copy(PrometheusTools.RULES_DIR.resolve("pooler-alerts.yml"), dir.resolve("pooler-alerts.yml"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [pooler-alerts.yml]
                scrape_configs:
                  - job_name: pooler
                    metrics_path: /pooler/metrics
                    basic_auth:
                      username: pooler
                      password_file: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(passwordFile, pooler.port));
        ProcessBuilder pb = new ProcessBuilder(PrometheusTools.command("prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile());
        prometheus = pb.start();
    }

    private boolean ready(int port) {
        assertTrue(prometheus.isAlive(), () -> "prometheus exited: " + LaunchedPooler.read(tmp.resolve("prometheus/prometheus.log")));
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private Map<String, Double> p99ByPool(int port) {
        Map<String, Double> out = new TreeMap<>();
        JsonObject answer = query(port, "/api/v1/query?query=" + URLEncoder.encode(P99, StandardCharsets.UTF_8));
        if (answer == null || !"success".equals(answer.get("status").getAsString())) {
            return out;
        }
        JsonArray result = answer.getAsJsonObject("data").getAsJsonArray("result");
        for (JsonElement e : result) {
            JsonObject sample = e.getAsJsonObject();
            String pool = sample.getAsJsonObject("metric").get("pool").getAsString();
            double value = Double.parseDouble(sample.getAsJsonArray("value").get(1).getAsString());
            if (!Double.isNaN(value)) {
                out.put(pool, value);
            }
        }
        return out;
    }

    private static JsonObject query(int port, String pathAndQuery) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (Exception e) {
            return null;
        }
    }

    private static int count(String text, String line) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " (\\S+)$").matcher(text);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }
}
