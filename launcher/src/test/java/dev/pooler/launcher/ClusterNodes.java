package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Launcher processes that form a cluster on this machine (DESIGN §10), for the cluster ITs: each node gets its own
 * home with the pools it is given, the same console (and API) credentials, and the cluster environment. Kills what
 * it launched, workers included, in {@link #killAll()}.
 */
final class ClusterNodes {

    static final String USER = "pooler";

    private final Path tmp;
    private final String credentials;
    private final String password;
    private final List<LaunchedPooler> launched = new ArrayList<>();
    private int runs;

    ClusterNodes(Path tmp, String password) {
        this.tmp = tmp;
        this.password = password;
        this.credentials = USER + ":" + password;
    }

    String credentials() {
        return credentials;
    }

    /** A pool of the bench adapter: {@code id}, {@code size} workers and these capabilities. */
    static String benchPool(String id, int size, String capabilities, String... moreLines) {
        StringBuilder cfg = new StringBuilder("pool.id=" + id + "\nsize=" + size + "\ncapabilities=" + capabilities
                + "\nadapter=bench\n");
        for (String line : moreLines) {
            cfg.append(line).append('\n');
        }
        return cfg.toString();
    }

    /**
     * Starts node {@code node} in {@code zone}; {@code discovery} is {@code POOLER_DISCOVERY} ({@code embedded} or
     * {@code 127.0.0.1:<zk>}); {@code pools} maps each pool id to its configuration text. A node launched again under
     * the same name keeps its home (and its framework cache).
     */
    LaunchedPooler launch(String node, String zone, String discovery, int zkPort, Map<String, String> pools)
            throws IOException {
        Path home = tmp.resolve("home-" + node);
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("dev.pooler.loadbalancing.cfg"), "strategy=round_robin\n");
        for (Map.Entry<String, String> pool : pools.entrySet()) {
            Files.writeString(conf.resolve("dev.pooler.pool-" + pool.getKey() + ".cfg"), pool.getValue());
        }
        int run;
        synchronized (this) {
            run = ++runs;
        }
        Path work = Files.createDirectories(tmp.resolve("work-" + run));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("POOLER_CONSOLE_USER", USER);
        env.put("POOLER_CONSOLE_PASSWORD", password);
        env.put("POOLER_NODE", node);
        env.put("POOLER_ZONE", zone);
        env.put("POOLER_DISCOVERY", discovery);
        env.put("POOLER_DISCOVERY_PORT", Integer.toString(zkPort));
        LaunchedPooler p = LaunchedPooler.start(work, home, freePort(), run, env, List.of("-Xmx384m"));
        synchronized (launched) {
            launched.add(p);
        }
        return p;
    }

    /** Every launcher started here, and every process under it (Python workers, fork templates, guardians). */
    void killAll() {
        List<LaunchedPooler> all;
        synchronized (launched) {
            all = List.copyOf(launched);
        }
        for (LaunchedPooler p : all) {
            List<ProcessHandle> under = p.process.descendants().toList();
            p.kill();
            under.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * A free port below the kernel's ephemeral range (32768+ on Linux): the nodes' endpoints (port 0) and every
     * outgoing connection take ephemeral ports, so one picked from that range could be taken before its launcher
     * binds it.
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int port = 20000 + random.nextInt(12000);
            try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another
            }
        }
        return LaunchedPooler.freePort();
    }

    // ------------------------------------------------------------------ the HTTP API

    /** {@code POST /pooler/api/execute}, waiting up to 5 s for the answer. */
    JsonObject execute(LaunchedPooler p, String body) {
        return execute(p, body, Duration.ofSeconds(5));
    }

    /** {@code POST /pooler/api/execute}; an answer that does not come within {@code timeout} throws. */
    JsonObject execute(LaunchedPooler p, String body, Duration timeout) {
        try {
            HttpResponse<String> r = p.send("POST", "/pooler/api/execute", credentials,
                    Map.of("Content-Type", "application/json"), body, timeout);
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ok}, or the error's kind. */
    static String outcome(JsonObject answer) {
        return answer.get("ok").getAsBoolean() ? "ok" : answer.getAsJsonObject("error").get("kind").getAsString();
    }

    /** {@code GET /pooler/api/pools}: empty when the node does not answer. */
    List<JsonObject> pools(LaunchedPooler p) {
        return p.pools(credentials);
    }

    List<String> poolIds(LaunchedPooler p) {
        return pools(p).stream().map(x -> x.get("id").getAsString()).toList();
    }

    JsonObject pool(LaunchedPooler p, String id) {
        return pools(p).stream().filter(x -> x.get("id").getAsString().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not among the pools of run " + p.run));
    }

    JsonObject awaitPool(LaunchedPooler p, String id) {
        p.awaitTrue(() -> poolIds(p).contains(id), () -> id + " among the pools of run " + p.run + ": " + poolIds(p));
        return pool(p, id);
    }

    // ------------------------------------------------------------------ waiting, measured

    /**
     * Polls {@code condition} every 100 ms until it holds and returns how long that took in ms; fails after
     * {@code max}. For measuring (how long until a pool leaves), not for asserting a duration.
     */
    static long measure(BooleanSupplier condition, Duration max, String what) {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + max.toSeconds() + " s: " + what);
            }
            LaunchedPooler.sleep(100);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
