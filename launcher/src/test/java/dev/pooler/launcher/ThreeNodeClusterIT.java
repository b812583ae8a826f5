package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three launcher processes on this machine, real Python workers, one cluster (issue 12, DESIGN §8 and §10):
 * <ul>
 * <li>B runs the embedded ZooKeeper, A and C join it. A's pool serves {@code general} only; B's and C's serve
 * {@code general} and {@code work}: a {@code work} request sent to A can only be served by the other nodes.</li>
 * <li>C killed with SIGKILL while A loads it: every request gets one answer, a result or a typed error and never the
 * timeout; retryable ones are answered by B; C's Python workers die with it; C's pool leaves A.</li>
 * <li>C restarted under the same name: its pool returns to A and serves.</li>
 * <li>The {@code remote} bundle stopped on A: A serves its own pool, the others' leave A (and A's leaves them);
 * started again, they return.</li>
 * <li>ZooKeeper lost (B, which runs it, killed last): A and C keep serving their own pools; the pools of other nodes
 * leave, C's although C still runs; no request is left without an answer.</li>
 * </ul>
 * The durations are measured and printed (the issue asks for "within 5 s"); the assertions only wait, generously.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterIT {

    private static final String PASSWORD = "three-node-cluster-it-pass";
    /** How long a membership change may take before the test calls it missing: far above the ~4 s expected. */
    private static final Duration MEMBERSHIP = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static final String NO_ANSWER = "no answer";

    @TempDir
    static Path tmp;

    private ClusterNodes cluster;
    private int zk;
    private LaunchedPooler a;
    private LaunchedPooler b;
    private LaunchedPooler c;
    private final Map<String, Long> measured = Collections.synchronizedMap(new java.util.LinkedHashMap<>());

    @BeforeAll
    void startThreeNodes() throws Exception {
        cluster = new ClusterNodes(tmp, PASSWORD);
        zk = ClusterNodes.freePort();
        b = launchB();
        a = cluster.launch("A", "default", "127.0.0.1:" + zk, zk,
                Map.of("pool_a", ClusterNodes.benchPool("pool_a", 1, "general")));
        c = launchC();
        b.awaitConsole();
        a.awaitConsole();
        c.awaitConsole();
    }

    @AfterAll
    void killEverything() {
        if (cluster != null) {
            cluster.killAll();
        }
        System.out.println("ThreeNodeClusterIT measured (ms): " + measured);
    }

    private LaunchedPooler launchB() throws Exception {
        return cluster.launch("B", "default", "embedded", zk,
                Map.of("pool_b", ClusterNodes.benchPool("pool_b", 3, "general,work")));
    }

    private LaunchedPooler launchC() throws Exception {
        return cluster.launch("C", "default", "127.0.0.1:" + zk, zk,
                Map.of("pool_c", ClusterNodes.benchPool("pool_c", 3, "general,work", "request.timeout.ms=120000")));
    }

    @Test
    @Order(1)
    void requestsSentToAAreServedByThePoolsOfBAndC() {
        for (String id : List.of("pool_b@B", "pool_c@C")) {
            JsonObject p = cluster.awaitPool(a, id);
            assertTrue(p.get("remote").getAsBoolean(), p.toString());
            assertEquals(id.substring(id.indexOf('@') + 1), p.get("node").getAsString());
        }
        cluster.awaitPool(b, "pool_a@A");
        cluster.awaitPool(b, "pool_c@C");
        cluster.awaitPool(c, "pool_a@A");
        cluster.awaitPool(c, "pool_b@B");

        // By name.
        for (String node : List.of("B", "C")) {
            String pool = "pool_" + node.toLowerCase() + "@" + node;
            for (int i = 0; i < 5; i++) {
                JsonObject r = cluster.execute(a, "{\"command\":\"echo\",\"args\":{\"i\":" + i + "},\"pool\":\"" + pool + "\"}");
                assertEquals("ok", ClusterNodes.outcome(r), r.toString());
                assertEquals(i, r.getAsJsonObject("result").get("i").getAsInt());
                assertEquals(pool, r.get("pool").getAsString());
                assertTrue(r.get("worker").getAsString().endsWith("@" + node), r.toString());
            }
        }

        // By capability: A has no pool of 'work', so B's and C's take it, both (round robin).
        Map<String, Integer> servedBy = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            JsonObject r = cluster.execute(a, "{\"command\":\"work\",\"args\":{\"ms\":1}}");
            assertEquals("ok", ClusterNodes.outcome(r), r.toString());
            servedBy.merge(r.get("pool").getAsString(), 1, Integer::sum);
        }
        System.out.println("'work' sent to A, served by " + servedBy);
        assertEquals(Set.of("pool_b@B", "pool_c@C"), servedBy.keySet());
        // A's own pool does not serve it, even named.
        JsonObject refused = cluster.execute(a, "{\"command\":\"work\",\"args\":{\"ms\":1},\"pool\":\"pool_a\"}");
        assertEquals("NO_CAPABLE_POOL", ClusterNodes.outcome(refused), refused.toString());
    }

    @Test
    @Order(2)
    void cKilledUnderLoadEveryRequestIsAnsweredOnceAndItsPoolsLeave() throws Exception {
        List<ProcessHandle> cProcesses = c.process.descendants().filter(ProcessHandle::isAlive).toList();
        assertFalse(c.pythonWorkers().isEmpty(), "C's Python workers");

        Load load = new Load();
        // One that C holds for a minute when it dies: answered at once, not after its timeout (120 s + 5 s).
        AtomicInteger longSent = new AtomicInteger();
        Future<String> longOne = load.one(() -> {
            longSent.incrementAndGet();
            return ClusterNodes.outcome(cluster.execute(a,
                    "{\"command\":\"sleep\",\"args\":{\"ms\":60000},\"pool\":\"pool_c@C\"}", Duration.ofSeconds(90)));
        });
        c.awaitTrue(() -> busy(c, "pool_c") >= 1, "the long request running on C");
        // Retryable ones by capability (B or C, in turn) until one runs on C: C dies holding it, B runs it again.
        List<Future<JsonObject>> retryable = new ArrayList<>();
        for (int i = 0; i < 4 && busy(c, "pool_c") < 2; i++) {
            int before = busy(b, "pool_b") + busy(c, "pool_c");
            retryable.add(load.call(() -> cluster.execute(a,
                    "{\"command\":\"work\",\"args\":{\"ms\":15000},\"retryable\":true}", Duration.ofSeconds(60))));
            a.awaitTrue(() -> busy(b, "pool_b") + busy(c, "pool_c") > before, "the retryable request running on B or C");
        }
        assertEquals(2, busy(c, "pool_c"), "a retryable request running on C");

        // Named C: may end with a result, the call broken (WORKER_CRASHED), C unreachable (SHUTTING_DOWN), or C gone.
        load.loop("named C", 3, "{\"command\":\"sleep\",\"args\":{\"ms\":30},\"pool\":\"pool_c@C\"}",
                Set.of("ok", "WORKER_CRASHED", "SHUTTING_DOWN", "NO_CAPABLE_POOL"));
        // Retryable, by capability (B or C): run once more on B when C dies holding it, so always a result.
        load.loop("work retryable", 3, "{\"command\":\"work\",\"args\":{\"ms\":30},\"retryable\":true}", Set.of("ok"));
        // Not retryable, by capability: a request C held is lost (may have run); one never sent goes to B.
        load.loop("work once", 2, "{\"command\":\"work\",\"args\":{\"ms\":30}}", Set.of("ok", "WORKER_CRASHED"));
        a.awaitTrue(() -> load.ok("named C") >= 20 && load.ok("work retryable") >= 20 && load.ok("work once") >= 10,
                () -> "answers from C before the kill: " + load.outcomes);

        long killed = System.nanoTime();
        c.stop(true);
        long goneMs = ClusterNodes.measure(() -> !cluster.poolIds(a).contains("pool_c@C"), MEMBERSHIP,
                "pool_c@C gone from A after C's SIGKILL: " + cluster.poolIds(a));
        measured.put("C killed: pool_c@C gone from A", goneMs);
        String longOutcome = longOne.get(90, TimeUnit.SECONDS);
        measured.put("C killed: the long request answered", load.oneAnsweredMs(killed));
        ClusterNodes.measure(() -> cProcesses.stream().noneMatch(ProcessHandle::isAlive),
                MEMBERSHIP, "C's processes (Python workers) dead after C's SIGKILL: "
                        + cProcesses.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
        measured.put("C killed: its " + cProcesses.size() + " child processes dead (at most)", (System.nanoTime() - killed) / 1_000_000);
        LaunchedPooler.sleep(500); // some requests after the departure too
        load.stop();

        System.out.printf("C killed: pool_c@C left A after %d ms; the long request: %s after %d ms; outcomes %s%n",
                goneMs, longOutcome, measured.get("C killed: the long request answered"), load.outcomes);
        assertEquals(1, longSent.get());
        assertEquals("WORKER_CRASHED", longOutcome, "the request C held when it died: a typed retryable error at once");
        load.assertEachAnsweredOnce();
        List<String> retried = new ArrayList<>();
        for (Future<JsonObject> f : retryable) {
            JsonObject r = f.get(60, TimeUnit.SECONDS);
            retried.add(ClusterNodes.outcome(r) + " by " + r.get("pool"));
        }
        System.out.println("C killed: the long retryable requests (one of them held by C) answered " + retried);
        assertTrue(retried.stream().allMatch("ok by \"pool_b@B\""::equals),
                "every long retryable request answered by B, the one C held run again there: " + retried);
        assertTrue(load.count("named C", "WORKER_CRASHED") + load.count("named C", "SHUTTING_DOWN")
                + load.count("named C", "NO_CAPABLE_POOL") > 0, "some named requests met the dead node: " + load.outcomes);
        b.awaitTrue(() -> !cluster.poolIds(b).contains("pool_c@C"), "pool_c@C gone from B too");

        // A serves its own pool, and B's.
        assertEquals("ok", ClusterNodes.outcome(cluster.execute(a, "{\"command\":\"echo\",\"pool\":\"pool_a\"}")));
        assertEquals("ok", ClusterNodes.outcome(cluster.execute(a, "{\"command\":\"echo\",\"pool\":\"pool_b@B\"}")));
        JsonObject work = cluster.execute(a, "{\"command\":\"work\",\"args\":{\"ms\":1}}");
        assertEquals("pool_b@B", work.get("pool").getAsString(), work.toString());
    }

    @Test
    @Order(3)
    void cRestartedItsPoolReturnsAndServes() throws Exception {
        long started = System.nanoTime();
        c = launchC();
        long backMs = ClusterNodes.measure(() -> cluster.poolIds(a).contains("pool_c@C"), Duration.ofSeconds(60),
                "pool_c@C back on A after C's restart");
        measured.put("C restarted: pool_c@C on A, from the launch", backMs);
        c.awaitConsole();
        long servedMs = ClusterNodes.measure(() -> "ok".equals(ClusterNodes.outcome(
                cluster.execute(a, "{\"command\":\"echo\",\"pool\":\"pool_c@C\"}"))), MEMBERSHIP, "pool_c@C serves A again");
        measured.put("C restarted: pool_c@C serves A, from the launch", (System.nanoTime() - started) / 1_000_000);
        System.out.printf("C restarted: pool_c@C on A %d ms after the launch, serving %d ms later%n", backMs, servedMs);
        ClusterNodes.measure(() -> {
            JsonObject r = cluster.execute(a, "{\"command\":\"work\",\"args\":{\"ms\":1}}");
            return "ok".equals(ClusterNodes.outcome(r)) && "pool_c@C".equals(r.get("pool").getAsString());
        }, MEMBERSHIP, "a 'work' request routed to the restarted C");
        cluster.awaitPool(c, "pool_a@A");
        cluster.awaitPool(c, "pool_b@B");
    }

    @Test
    @Order(4)
    void theRemoteBundleStoppedOnAKeepsItsOwnPoolAndDropsTheOthers() throws Exception {
        long remote = bundleId(a, "dev.pooler.remote");
        assertEquals(200, bundleAction(a, remote, "stop"));
        long goneMs = ClusterNodes.measure(() -> cluster.poolIds(a).stream().noneMatch(id -> id.contains("@")),
                MEMBERSHIP, "no remote pool left on A: " + cluster.poolIds(a));
        measured.put("remote bundle stopped on A: remote pools gone from A", goneMs);
        assertEquals(List.of("pool_a"), cluster.poolIds(a));
        JsonObject local = cluster.execute(a, "{\"command\":\"echo\",\"args\":{\"alone\":true}}");
        assertEquals("ok", ClusterNodes.outcome(local), local.toString());
        assertEquals("pool_a", local.get("pool").getAsString());
        JsonObject none = cluster.execute(a, "{\"command\":\"work\",\"args\":{\"ms\":1}}");
        assertEquals("NO_CAPABLE_POOL", ClusterNodes.outcome(none), none.toString());
        long unexportedMs = ClusterNodes.measure(() -> !cluster.poolIds(b).contains("pool_a@A"), MEMBERSHIP,
                "pool_a@A gone from B once A's remote bundle stopped");
        measured.put("remote bundle stopped on A: pool_a@A gone from B", unexportedMs);

        assertEquals(200, bundleAction(a, remote, "start"));
        long backMs = ClusterNodes.measure(() -> cluster.poolIds(a).containsAll(List.of("pool_b@B", "pool_c@C")),
                MEMBERSHIP, "B's and C's pools back on A once its remote bundle started");
        measured.put("remote bundle started on A: remote pools back on A", backMs);
        for (String pool : List.of("pool_b@B", "pool_c@C")) {
            JsonObject r = cluster.execute(a, "{\"command\":\"echo\",\"pool\":\"" + pool + "\"}");
            assertEquals("ok", ClusterNodes.outcome(r), r.toString());
        }
        cluster.awaitPool(b, "pool_a@A");
        assertEquals("ok", ClusterNodes.outcome(cluster.execute(b, "{\"command\":\"echo\",\"pool\":\"pool_a@A\"}")));
    }

    @Test
    @Order(5)
    void zooKeeperLostOwnPoolsKeepServingOthersLeaveCleanly() throws Exception {
        Load load = new Load();
        // Any of A's three capable pools: B's dies holding some (WORKER_CRASHED); the others answer.
        load.loop("echo any", 3, "{\"command\":\"echo\",\"args\":{\"x\":1}}", Set.of("ok", "WORKER_CRASHED"));
        // C lives on: what A sent it is answered by C; once C's pool is withdrawn from A, A has no such pool.
        load.loop("named C", 2, "{\"command\":\"sleep\",\"args\":{\"ms\":20},\"pool\":\"pool_c@C\"}",
                Set.of("ok", "NO_CAPABLE_POOL"));
        a.awaitTrue(() -> load.ok("echo any") >= 20 && load.ok("named C") >= 10,
                () -> "answers before ZooKeeper is lost: " + load.outcomes);

        b.stop(true); // B runs the ZooKeeper server: the cluster's discovery is gone with it
        long killed = System.nanoTime();
        long[] goneAt = new long[2];
        ClusterNodes.measure(() -> {
            for (int i = 0; i < 2; i++) {
                LaunchedPooler node = i == 0 ? a : c;
                if (goneAt[i] == 0 && cluster.poolIds(node).stream().noneMatch(id -> id.contains("@"))) {
                    goneAt[i] = System.nanoTime();
                }
            }
            return goneAt[0] != 0 && goneAt[1] != 0;
        }, MEMBERSHIP, "no remote pool left on A nor C once ZooKeeper is lost: A " + cluster.poolIds(a) + ", C "
                + cluster.poolIds(c));
        long goneMs = (goneAt[0] - killed) / 1_000_000;
        long cGoneMs = (goneAt[1] - killed) / 1_000_000;
        measured.put("ZooKeeper lost: remote pools gone from A", goneMs);
        measured.put("ZooKeeper lost: remote pools gone from C", cGoneMs);
        LaunchedPooler.sleep(500);
        load.stop();
        System.out.printf("ZooKeeper lost (B killed): A without remote pools after %d ms, C after %d ms; outcomes %s%n",
                goneMs, cGoneMs, load.outcomes);
        load.assertEachAnsweredOnce();

        assertEquals(List.of("pool_a"), cluster.poolIds(a));
        assertEquals(List.of("pool_c"), cluster.poolIds(c));
        for (int i = 0; i < 5; i++) {
            JsonObject r = cluster.execute(a, "{\"command\":\"echo\",\"args\":{\"i\":" + i + "}}");
            assertEquals("ok", ClusterNodes.outcome(r), r.toString());
            assertEquals("pool_a", r.get("pool").getAsString());
            JsonObject onC = cluster.execute(c, "{\"command\":\"work\",\"args\":{\"ms\":1}}");
            assertEquals("ok", ClusterNodes.outcome(onC), onC.toString());
            assertEquals("pool_c", onC.get("pool").getAsString());
        }
        // And they stay gone (ZooKeeper 3.9's client expires its own session meanwhile: Aries reconnects, in vain).
        LaunchedPooler.sleep(6000);
        assertEquals(List.of("pool_a"), cluster.poolIds(a));
        assertEquals(List.of("pool_c"), cluster.poolIds(c));
    }

    @Test
    @Order(6)
    void zooKeeperBackThePoolsOfTheOthersReturn() throws Exception {
        long started = System.nanoTime();
        b = launchB();
        long backMs = ClusterNodes.measure(() -> cluster.poolIds(a).containsAll(List.of("pool_b@B", "pool_c@C"))
                        && cluster.poolIds(c).containsAll(List.of("pool_a@A", "pool_b@B")), Duration.ofSeconds(60),
                "every pool back on A and C once B (and its ZooKeeper) restarted: A " + cluster.poolIds(a) + ", C "
                        + cluster.poolIds(c));
        measured.put("ZooKeeper back (B restarted): all pools on A and C, from the launch", backMs);
        for (String pool : List.of("pool_b@B", "pool_c@C")) {
            JsonObject r = cluster.execute(a, "{\"command\":\"echo\",\"pool\":\"" + pool + "\"}");
            assertEquals("ok", ClusterNodes.outcome(r), r.toString());
        }
        System.out.printf("ZooKeeper back: every pool on A and C %d ms after B's launch%n",
                (System.nanoTime() - started) / 1_000_000);
    }

    // ------------------------------------------------------------------ helpers

    private int busy(LaunchedPooler p, String pool) {
        return cluster.pool(p, pool).get("busy").getAsInt();
    }

    private long bundleId(LaunchedPooler p, String symbolicName) {
        String text = p.body("/system/console/bundles.json", cluster.credentials());
        for (var e : JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("data")) {
            JsonObject bundle = e.getAsJsonObject();
            if (symbolicName.equals(bundle.get("symbolicName").getAsString())) {
                return bundle.get("id").getAsLong();
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " on run " + p.run);
    }

    /** The Felix Web Console's bundle action ({@code start}, {@code stop}); its HTTP status. */
    private int bundleAction(LaunchedPooler p, long id, String action) throws Exception {
        return p.send("POST", "/system/console/bundles/" + id, cluster.credentials(), Map.of(), "action=" + action)
                .statusCode();
    }

    /**
     * Client loops sending to A, each counting at the source: a request counts as sent before it goes and gets
     * exactly one outcome when its HTTP answer comes (or {@value #NO_ANSWER} when none comes within
     * {@link #ANSWER}).
     */
    private final class Load {
        final Map<String, Map<String, AtomicInteger>> outcomes = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
        final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();
        final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean sending = new AtomicBoolean(true);
        final ExecutorService clients = Executors.newCachedThreadPool();
        final List<Future<?>> loops = new ArrayList<>();
        volatile long oneAnsweredAt;

        void loop(String name, int threads, String body, Set<String> expected) {
            allowed.put(name, expected);
            sent.put(name, new AtomicInteger());
            outcomes.put(name, new ConcurrentHashMap<>());
            for (int t = 0; t < threads; t++) {
                loops.add(clients.submit(() -> {
                    while (sending.get()) {
                        sent.get(name).incrementAndGet();
                        String outcome;
                        try {
                            outcome = ClusterNodes.outcome(cluster.execute(a, body, ANSWER));
                        } catch (Exception e) {
                            outcome = NO_ANSWER;
                        }
                        outcomes.get(name).computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                        if (!expected.contains(outcome)) {
                            unexpected.add(name + ": " + outcome);
                        }
                    }
                    return null;
                }));
            }
        }

        Future<String> one(java.util.concurrent.Callable<String> call) {
            return clients.submit(() -> {
                String outcome = call.call();
                oneAnsweredAt = System.nanoTime();
                return outcome;
            });
        }

        <T> Future<T> call(java.util.concurrent.Callable<T> call) {
            return clients.submit(call);
        }

        long oneAnsweredMs(long since) {
            return (oneAnsweredAt - since) / 1_000_000;
        }

        int ok(String name) {
            return count(name, "ok");
        }

        int count(String name, String outcome) {
            AtomicInteger n = outcomes.get(name).get(outcome);
            return n == null ? 0 : n.get();
        }

        void stop() throws Exception {
            sending.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }

        void assertEachAnsweredOnce() {
            for (String name : sent.keySet()) {
                int answered = outcomes.get(name).values().stream().mapToInt(AtomicInteger::get).sum();
                assertEquals(sent.get(name).get(), answered, name + ": one answer per request sent " + outcomes.get(name));
            }
            assertTrue(unexpected.isEmpty(), "outcomes other than allowed " + allowed + ": " + unexpected);
        }
    }
}
