package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two launcher processes on this machine form a cluster (DESIGN §10): A runs the embedded ZooKeeper, B joins it.
 * Each sees the other's pool as {@code <pool.id>@<node>} with its zone and {@code "remote": true}; requests sent to
 * A are served by B's Python workers; B killed with SIGKILL while A sends it work: every request sent gets one
 * answer (a result or a typed error, never left hanging), B's pool leaves A's pools, and comes back when B restarts.
 */
class RemoteClusterIT {

    private static final String PASSWORD = "remote-cluster-it-pass";
    /** The errors a request may end with while its node dies: lost in flight, not sent, or the pool already gone. */
    private static final Set<String> NODE_LOSS = Set.of("WORKER_CRASHED", "SHUTTING_DOWN", "NO_CAPABLE_POOL");

    @TempDir
    Path tmp;

    private ClusterNodes cluster;

    @AfterEach
    void killAll() {
        if (cluster != null) {
            cluster.killAll();
        }
    }

    @Test
    void poolsOfOneNodeServeAnotherAndLeaveWhenItIsKilled() throws Exception {
        cluster = new ClusterNodes(tmp, PASSWORD);
        int zk = ClusterNodes.freePort();
        LaunchedPooler a = cluster.launch("A", "default", "embedded", zk, Map.of("pool_a", ClusterNodes.benchPool("pool_a", 1, "all")));
        LaunchedPooler b = cluster.launch("B", "eu", "127.0.0.1:" + zk, zk, Map.of("pool_b", ClusterNodes.benchPool("pool_b", 2, "all")));
        a.awaitConsole();
        b.awaitConsole();

        // Each node lists the other's pool, named pool@node, with its node's zone.
        JsonObject bOnA = awaitPool(a, "pool_b@B");
        assertEquals("B", bOnA.get("node").getAsString());
        assertEquals("eu", bOnA.get("zone").getAsString());
        assertTrue(bOnA.get("remote").getAsBoolean());
        assertFalse(pool(a, "pool_a").get("remote").getAsBoolean());
        JsonObject aOnB = awaitPool(b, "pool_a@A");
        assertEquals("default", aOnB.get("zone").getAsString());

        // Requests sent to A, served by B's Python workers: the answer names B's pool and worker.
        for (int i = 0; i < 20; i++) {
            JsonObject r = execute(a, "{\"command\":\"echo\",\"args\":{\"i\":" + i + "},\"pool\":\"pool_b@B\"}");
            assertTrue(r.get("ok").getAsBoolean(), r.toString());
            assertEquals(i, r.getAsJsonObject("result").get("i").getAsInt());
            assertEquals("pool_b@B", r.get("pool").getAsString());
            assertTrue(r.get("worker").getAsString().endsWith("@B"), r.toString());
        }
        // And the other way round.
        JsonObject back = execute(b, "{\"command\":\"echo\",\"args\":{\"x\":1},\"pool\":\"pool_a@A\"}");
        assertTrue(back.get("ok").getAsBoolean(), back.toString());

        // B killed while A keeps it busy: every request gets exactly one answer, each a result or a typed error.
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            loops.add(clients.submit(() -> {
                while (sending.get()) {
                    sent.incrementAndGet();
                    String outcome;
                    try {
                        JsonObject r = execute(a, "{\"command\":\"sleep\",\"args\":{\"ms\":40},\"pool\":\"pool_b@B\"}");
                        outcome = r.get("ok").getAsBoolean() ? "ok" : r.getAsJsonObject("error").get("kind").getAsString();
                    } catch (Exception e) {
                        outcome = "no answer: " + e;
                    }
                    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    if (!outcome.equals("ok") && !NODE_LOSS.contains(outcome)) {
                        unexpected.add(outcome);
                    }
                }
                return null;
            }));
        }
        a.awaitTrue(() -> outcomes.getOrDefault("ok", new AtomicInteger()).get() >= 30, "30 answers from B before the kill");
        long killed = System.nanoTime();
        b.stop(true);
        a.awaitTrue(() -> pools(a).stream().noneMatch(p -> p.get("id").getAsString().equals("pool_b@B")),
                "pool_b@B gone from A's pools after B's SIGKILL");
        long goneMs = (System.nanoTime() - killed) / 1_000_000;
        LaunchedPooler.sleep(500);
        sending.set(false);
        for (Future<?> loop : loops) {
            loop.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();
        int answered = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("B killed: pool_b@B left A after %d ms; %d requests sent, outcomes %s%n", goneMs, sent.get(), outcomes);
        assertEquals(sent.get(), answered, "one answer per request sent");
        assertTrue(unexpected.isEmpty(), "answers other than a result or a node-loss error: " + unexpected);
        assertTrue(outcomes.keySet().stream().anyMatch(NODE_LOSS::contains), "some requests met the dead node: " + outcomes);

        // A keeps serving its own pool, unpinned requests included.
        JsonObject local = execute(a, "{\"command\":\"echo\",\"args\":{\"after\":true}}");
        assertTrue(local.get("ok").getAsBoolean(), local.toString());
        assertEquals("pool_a", local.get("pool").getAsString());

        // B back: its pool returns to A, and serves again.
        LaunchedPooler b2 = cluster.launch("B", "eu", "127.0.0.1:" + zk, zk, Map.of("pool_b", ClusterNodes.benchPool("pool_b", 2, "all")));
        b2.awaitConsole();
        awaitPool(a, "pool_b@B");
        a.awaitTrue(() -> {
            JsonObject r = execute(a, "{\"command\":\"echo\",\"args\":{\"back\":1},\"pool\":\"pool_b@B\"}");
            return r.get("ok").getAsBoolean();
        }, "a request served by the restarted B");
    }

    private JsonObject execute(LaunchedPooler p, String body) {
        return cluster.execute(p, body);
    }

    private List<JsonObject> pools(LaunchedPooler p) {
        return cluster.pools(p);
    }

    private JsonObject pool(LaunchedPooler p, String id) {
        return cluster.pool(p, id);
    }

    private JsonObject awaitPool(LaunchedPooler p, String id) {
        return cluster.awaitPool(p, id);
    }
}
