package dev.pooler.bench.sessions;

import com.google.gson.JsonObject;
import dev.pooler.affinity.internal.StandaloneAffinity;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.affinity.AffinityStats;
import dev.pooler.bench.BenchLoadBalancing;
import dev.pooler.bench.FixedPoolRegistry;
import dev.pooler.bench.Samples;
import dev.pooler.bench.WorkerRuntime;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.routing.RoutingEngine;
import dev.pooler.core.impl.routing.StandaloneRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Session placement (issue 10 §8), through the real router with the affinity bundle's real rules
 * ({@link StandaloneAffinity}) and real pools: the affinity hit rate on a Zipf session mix, and p99 with
 * bounded-load placement vs plain affinity on that skewed mix (a few sessions carry most requests).
 * <p>
 * A new session's first request goes where the router's strategy puts it: here a ring hash of the session id
 * with one point per pool (a load-oblivious hash, the hot spot users of ring-hash balancers report). Plain
 * affinity keeps every session on that pool; bounded load ({@code ε = 0.25}) moves a new session's affinity to
 * the pool with the fewest sessions when the hash's pick already holds more than its share. The same open-loop
 * arrivals (Poisson) and the same Zipf sequence of sessions run on each side, each on fresh pools, one after the
 * other in one run. Sessions are {@code normal}: a request leaves its session's pool only when that pool refuses
 * it (its queue is full), which is what the hit rate (as the affinity service counts it) shows.
 *
 * <p>Options as system properties: {@code bench.sessions} (40), {@code bench.zipf} (1.1), {@code bench.pools} (4),
 * {@code bench.workers} (2 per pool), {@code bench.ms} (20, each request's work), {@code bench.load} (0.4 of the
 * workers' capacity), {@code bench.seconds} (10 per side), {@code bench.python}.
 */
public final class PlacementBench {

    private static final Duration READY = Duration.ofSeconds(60);

    private record Side(String name, boolean bounded, String strength) {
    }

    private record Result(Samples latency, AffinityStats stats, Map<String, Integer> sessionsByPool,
                          Map<String, Integer> requestsByPool, int failed) {
    }

    private final Path runtimeDir;
    private final String python;
    private final int pools;
    private final int workers;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    private PlacementBench(Path runtimeDir, String python, int pools, int workers) {
        this.runtimeDir = runtimeDir;
        this.python = python;
        this.pools = pools;
        this.workers = workers;
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 40);
        double zipf = Double.parseDouble(System.getProperty("bench.zipf", "1.1"));
        int pools = Integer.getInteger("bench.pools", 4);
        int workers = Integer.getInteger("bench.workers", 2);
        int ms = Integer.getInteger("bench.ms", 20);
        double load = Double.parseDouble(System.getProperty("bench.load", "0.4"));
        int seconds = Integer.getInteger("bench.seconds", 10);
        String python = System.getProperty("bench.python", "python3");

        double ratePerMs = load * pools * workers / ms;
        long[] arrivals = poisson(ratePerMs, TimeUnit.SECONDS.toNanos(seconds), 11L);
        int[] sequence = SessionBench.zipfSequence(sessions, arrivals.length, zipf, 13L);
        System.out.printf("%d pools x %d workers, %d ms per request, %.0f requests/s (%.0f%% of capacity) for %d s:"
                        + " %d requests over %d sessions drawn Zipf(%.2f); the busiest session has %.0f%% of them%n",
                pools, workers, ms, ratePerMs * 1000, load * 100, seconds, arrivals.length, sessions, zipf,
                100.0 * share(sequence, sessions));
        try (WorkerRuntime runtime = WorkerRuntime.locate(null)) {
            PlacementBench b = new PlacementBench(runtime.dir(), python, pools, workers);
            try {
                List<Side> sides = List.of(new Side("plain affinity", false, "normal"), new Side("bounded load", true, "normal"));
                List<Result> results = new ArrayList<>();
                for (Side side : sides) {
                    Result r = b.run(side, arrivals, sequence, ms);
                    results.add(r);
                    System.out.printf("  %-15s p50 %6.1f ms  p99 %7.1f ms  hit rate %.3f (%d hits, %d misses)  failed %d%n"
                                    + "  %-15s sessions per pool %s, requests per pool %s%n",
                            side.name(), r.latency().percentile(50) / 1e6, r.latency().percentile(99) / 1e6,
                            r.stats().hitRate(), r.stats().hits(), r.stats().misses(), r.failed(), "",
                            r.sessionsByPool(), r.requestsByPool());
                }
                System.out.printf("p99 plain affinity / bounded load: %.2f%n",
                        (double) results.get(0).latency().percentile(99) / results.get(1).latency().percentile(99));
            } finally {
                b.scheduler.shutdownNow();
            }
        }
        System.exit(0);
    }

    private static double share(int[] sequence, int sessions) {
        int[] n = new int[sessions];
        int max = 0;
        for (int i : sequence) {
            max = Math.max(max, ++n[i]);
        }
        return (double) max / sequence.length;
    }

    private Result run(Side side, long[] arrivals, int[] sequence, int ms) throws Exception {
        PoolRuntime rt = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
        List<PythonPool> started = new ArrayList<>();
        try {
            for (int i = 0; i < pools; i++) {
                PythonPool p = new PythonPool(PoolConfig.builder().poolId("p" + i).size(workers)
                        .workerSpec(WorkerSpec.defaults().withAdapter("bench").withPython(python)).build(), rt);
                started.add(p);
                p.start();
            }
            for (PythonPool p : started) {
                if (!p.awaitReady(READY)) {
                    throw new IllegalStateException("pool " + p.id() + " did not start: " + p.failure());
                }
            }
            FixedPoolRegistry registry = new FixedPoolRegistry(started);
            StandaloneAffinity affinity = new StandaloneAffinity(registry, Map.of("default.strength", side.strength()),
                    side.bounded());
            RoutingEngine router = StandaloneRouter.create(registry, new BenchLoadBalancing(RingHash.NAME, 1_000_000L, 0),
                    new RingHash(), Map.of("pooler.strategy", RingHash.NAME), affinity);

            JsonObject work = new JsonObject();
            work.addProperty("ms", ms);
            Samples latency = new Samples();
            Map<String, Integer> byPool = new ConcurrentHashMap<>();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch answered = new CountDownLatch(arrivals.length);
            long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            for (int i = 0; i < arrivals.length; i++) {
                long at = origin + arrivals[i];
                long wait;
                while ((wait = at - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                Request r = Request.builder("sleep").args(work).session("s" + sequence[i]).build();
                long sent = System.nanoTime();
                router.route(r).whenComplete((Response answer, Throwable error) -> {
                    long took = System.nanoTime() - sent;
                    if (error != null) {
                        failed.incrementAndGet();
                    } else {
                        byPool.merge(answer.poolId(), 1, Integer::sum);
                        synchronized (latency) {
                            latency.add(took);
                        }
                    }
                    answered.countDown();
                });
            }
            if (!answered.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(side.name() + ": not every request was answered");
            }
            return new Result(latency, affinity.stats(), new TreeMap<>(affinity.sessionsByPool()), new TreeMap<>(byPool),
                    failed.get());
        } finally {
            for (PythonPool p : started) {
                p.stop(Duration.ofSeconds(2));
            }
        }
    }

    private static long[] poisson(double ratePerMs, long spanNanos, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double meanGapNanos = 1e6 / ratePerMs;
        List<Long> out = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1.0 - random.nextDouble()) * meanGapNanos;
            if (t >= spanNanos) {
                break;
            }
            out.add((long) t);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
