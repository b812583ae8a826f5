package dev.pooler.bench.sessions;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.session.SessionTraffic;
import dev.pooler.bench.WorkerRuntime;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sessions (issue 10 §8), on core's pools used directly: Zipf-distributed sessions with a state of a few KiB
 * (a {@code text} program with three labels). Two figures, each measured side by side in one run:
 * <ol>
 * <li>bytes of session state shipped after every session moved from pool A to pool B, {@code lazy} (the state
 *     travels with the requests that need it) vs {@code eager} (pushed to every worker of B first, then the
 *     same requests): the same Zipf sequence of requests on both sides;</li>
 * <li>the cost of a session restore after the worker holding it dies: latency of the next request (on another
 *     worker, with the state shipped) over that of a normal session request (on the worker holding it).</li>
 * </ol>
 * Not measured here: the affinity hit rate and p99 with bounded-load placement vs plain affinity (they need the
 * router and the affinity bundle together; see bench/README.md).
 *
 * <p>Options as system properties: {@code bench.sessions} (200), {@code bench.requests} (2000),
 * {@code bench.zipf} (1.1), {@code bench.workers} (4), {@code bench.restores} (10), {@code bench.python}.
 */
public final class SessionBench {

    private static final Duration READY = Duration.ofSeconds(60);

    private final Path runtimeDir;
    private final String python;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    private SessionBench(Path runtimeDir, String python) {
        this.runtimeDir = runtimeDir;
        this.python = python;
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 200);
        int requests = Integer.getInteger("bench.requests", 2000);
        double zipf = Double.parseDouble(System.getProperty("bench.zipf", "1.1"));
        int workers = Integer.getInteger("bench.workers", 4);
        int restores = Integer.getInteger("bench.restores", 10);
        String python = System.getProperty("bench.python", "python3");
        try (WorkerRuntime runtime = WorkerRuntime.locate(null)) {
            SessionBench b = new SessionBench(runtime.dir(), python);
            try {
                b.bytes(sessions, requests, zipf, workers);
                b.restore(restores);
            } finally {
                b.scheduler.shutdownNow();
            }
        }
        System.exit(0);
    }

    private PythonPool pool(PoolRuntime rt, String id, int size) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size)
                .workerSpec(WorkerSpec.defaults().withAdapter("text").withPython(python)).build(), rt);
        p.start();
        if (!p.awaitReady(READY)) {
            throw new IllegalStateException("pool " + id + " did not start: " + p.failure());
        }
        return p;
    }

    static Request create(String session) {
        JsonObject args = new JsonObject();
        args.addProperty("id", "p");
        JsonArray examples = new JsonArray();
        for (String[] e : new String[][] {{"hot sun beach", "summer"}, {"cold snow ice", "winter"}, {"falling leaves rain", "autumn"}}) {
            JsonArray pair = new JsonArray();
            pair.add(e[0]);
            pair.add(e[1]);
            examples.add(pair);
        }
        args.add("examples", examples);
        return Request.builder("create_program").args(args).session(session).build();
    }

    static Request execute(String session) {
        JsonObject args = new JsonObject();
        args.addProperty("program_id", "p");
        args.addProperty("input", "snow on the beach");
        return Request.builder("execute_program").args(args).session(session).build();
    }

    /** Session indexes drawn from Zipf(s) over n sessions, by inverse CDF; the same seed gives the same sequence. */
    static int[] zipfSequence(int n, int count, double s, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        Random r = new Random(seed);
        int[] out = new int[count];
        for (int k = 0; k < count; k++) {
            double u = r.nextDouble() * sum;
            int i = Arrays.binarySearch(cdf, u);
            out[k] = i >= 0 ? i : Math.min(n - 1, -i - 1);
        }
        return out;
    }

    private static void runAll(PythonPool p, List<Request> requests, int clients) throws Exception {
        // a few clients at once, each request waited for: a session's requests are never concurrent with each other
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int lane = c;
            lanes.add(CompletableFuture.runAsync(() -> {
                for (int i = lane; i < requests.size(); i += clients) {
                    p.execute(requests.get(i)).toCompletableFuture().join();
                }
            }));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }

    private void bytes(int sessions, int requests, double zipf, int workers) throws Exception {
        int[] sequence = zipfSequence(sessions, requests, zipf, 7L);
        long touched = Arrays.stream(sequence).distinct().count();
        System.out.printf("sessions: %d, %d requests drawn Zipf(%.2f) after the move (%d distinct sessions), %d workers per pool%n",
                sessions, requests, zipf, touched, workers);
        long[] with = new long[2];
        long[] pushed = new long[2];
        for (int side = 0; side < 2; side++) {
            boolean eager = side == 1;
            PoolRuntime rt = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
            PythonPool a = pool(rt, "a", workers);
            PythonPool b = pool(rt, "b", workers);
            try {
                List<CompletableFuture<Response>> made = new ArrayList<>();
                for (int i = 0; i < sessions; i++) {
                    made.add(a.execute(create("s" + i)).toCompletableFuture());
                }
                for (CompletableFuture<Response> f : made) {
                    f.get(1, TimeUnit.MINUTES);
                }
                SessionTraffic before = rt.shipping().traffic();
                if (eager) {
                    List<CompletableFuture<?>> pushes = new ArrayList<>();
                    for (int i = 0; i < sessions; i++) {
                        pushes.add(b.push("s" + i));
                    }
                    CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
                }
                List<Request> onB = new ArrayList<>(requests);
                for (int i : sequence) {
                    onB.add(execute("s" + i));
                }
                runAll(b, onB, workers);
                SessionTraffic after = rt.shipping().traffic();
                with[side] = after.bytesWithRequests() - before.bytesWithRequests();
                pushed[side] = after.bytesPushed() - before.bytesPushed();
                System.out.printf("  %-5s pushed %,d bytes, with requests %,d bytes, total %,d bytes%n", eager ? "eager" : "lazy",
                        pushed[side], with[side], pushed[side] + with[side]);
            } finally {
                a.stop(Duration.ofSeconds(2));
                b.stop(Duration.ofSeconds(2));
            }
        }
        System.out.printf("bytes shipped eager / lazy: %.2f%n", (double) (pushed[1] + with[1]) / (pushed[0] + with[0]));
    }

    private void restore(int rounds) throws Exception {
        PoolRuntime rt = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
        PythonPool p = pool(rt, "r", 2);
        try {
            double[] normal = new double[rounds];
            double[] restored = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                String session = "r" + r;
                Response made = p.execute(create(session)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                for (int i = 0; i < 5; i++) { // warm: the worker holding it runs it
                    made = p.execute(execute(session)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                }
                long t0 = System.nanoTime();
                Response normalAnswer = p.execute(execute(session)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                normal[r] = (System.nanoTime() - t0) / 1e6;
                String holder = normalAnswer.workerId();
                long pid = p.workers().stream().filter(w -> w.workerId().equals(holder)).findFirst().orElseThrow().pid();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                while (p.pids().contains(pid)) {
                    Thread.sleep(5);
                }
                t0 = System.nanoTime();
                Response after = p.execute(execute(session)).toCompletableFuture().get(1, TimeUnit.MINUTES);
                restored[r] = (System.nanoTime() - t0) / 1e6;
                if (after.workerId().equals(holder)) {
                    throw new IllegalStateException("the dead worker answered");
                }
                long deadline = System.nanoTime() + READY.toNanos();
                while (p.stats().workers() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10); // back to full size before the next round
                }
            }
            Arrays.sort(normal);
            Arrays.sort(restored);
            double n = normal[rounds / 2];
            double s = restored[rounds / 2];
            System.out.printf("session request: normal median %.2f ms, after its worker died (state shipped to another) median %.2f ms%n", n, s);
            System.out.printf("restore / normal: %.2f%n", s / n);
        } finally {
            p.stop(Duration.ofSeconds(2));
        }
    }
}
