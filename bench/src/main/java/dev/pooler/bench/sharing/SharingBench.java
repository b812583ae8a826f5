package dev.pooler.bench.sharing;

import dev.pooler.bench.BenchLoadBalancing;
import dev.pooler.bench.FixedPoolRegistry;

import com.google.gson.JsonObject;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.bench.OptionValues;
import dev.pooler.bench.WorkerRuntime;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.exchange.WorkerExchangeService;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.routing.RoutingEngine;
import dev.pooler.core.impl.routing.StandaloneRouter;
import dev.pooler.sharing.internal.SharingConfiguration;
import dev.pooler.sharing.internal.WorkerSharingService;
import dev.pooler.strategies.roundrobin.internal.RoundRobinStrategy;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 9 §8, first figure: resource utilization with worker sharing vs the same pools without it, on a
 * workload whose demand shifts between the seed's three pools. Utilization counts busy worker-seconds
 * over the worker-seconds available while work is waiting somewhere (sampled every 20 ms). Both sides
 * run the same open-loop arrivals (same seed) on fresh pools, one after the other, in alternating
 * order, round after round; the figure is the median ratio.
 *
 * <pre>java -cp bench/target/pooler-bench.jar dev.pooler.bench.sharing.SharingBench [--rounds=3] [--phase=6000]</pre>
 */
public final class SharingBench {

    private static final Map<String, String[]> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("rounds", new String[] {"3", "measured rounds (each runs both sides)"});
        OPTIONS.put("phase", new String[] {"6000", "ms of one demand phase"});
        OPTIONS.put("phases", new String[] {"4", "phases per run (the hot pool alternates)"});
        OPTIONS.put("service", new String[] {"50", "ms each request sleeps in its worker"});
        OPTIONS.put("overload", new String[] {"130", "the hot pool's arrival rate, % of its own capacity"});
        OPTIONS.put("max-shared", new String[] {"30", "max_shared_percentage, %"});
        OPTIONS.put("python", new String[] {"python3", "the interpreter"});
    }

    /** The seed's pools: id, type, size, priority, policy. */
    record PoolSpec(String id, PoolType type, int size, Priority priority, SharingPolicy policy) {
    }

    static final List<PoolSpec> POOLS = List.of(
            new PoolSpec("general_pool", PoolType.GENERAL, 8, Priority.MEDIUM, SharingPolicy.OVERFLOW),
            new PoolSpec("embedding_pool", PoolType.EMBEDDING, 4, Priority.HIGH, SharingPolicy.STRICT),
            new PoolSpec("generation_pool", PoolType.GENERATION, 6, Priority.HIGH, SharingPolicy.ADAPTIVE));

    record Result(double utilization, long completed, double meanLatencyMs, long failed) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o;
        try {
            o = OptionValues.read(OPTIONS, args);
        } catch (OptionValues.HelpRequested e) {
            OPTIONS.forEach((k, d) -> System.out.printf("  --%-12s %-8s %s%n", k, d[0], d[1]));
            return;
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING); // the pools' INFO lines
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
        int rounds = OptionValues.positive(o, "rounds");
        long phaseMs = OptionValues.positive(o, "phase");
        int phases = OptionValues.positive(o, "phases");
        int serviceMs = OptionValues.positive(o, "service");
        double overload = OptionValues.positive(o, "overload") / 100.0;
        double maxShared = OptionValues.nonNegative(o, "max-shared") / 100.0;
        System.out.printf("SharingBench: %d rounds, %d phases of %d ms, sleep %d ms, hot pool at %.0f %% of its capacity, "
                + "max_shared_percentage %.2f, return_threshold 0.4, minimum_loan 2 s, return_window 3 s%n",
                rounds, phases, phaseMs, serviceMs, overload * 100, maxShared);
        List<Double> ratios = new ArrayList<>();
        try (WorkerRuntime runtime = WorkerRuntime.locate(null)) {
            // Unrecorded: the first run of a JVM pays for class loading and JIT on its own clock.
            run(runtime.dir(), o.get("python"), true, phaseMs, 1, serviceMs, overload, maxShared, 41L);
            for (int r = 0; r < rounds; r++) {
                Result without = null;
                Result with = null;
                for (int side = 0; side < 2; side++) {
                    boolean sharing = (side + r) % 2 == 1;
                    Result res = run(runtime.dir(), o.get("python"), sharing, phaseMs, phases, serviceMs, overload, maxShared, 42L + r);
                    System.out.printf("  round %d %-15s utilization while work waits %.3f, completed %d, mean latency %.0f ms, failed %d%n",
                            r + 1, sharing ? "with sharing" : "without", res.utilization(), res.completed(), res.meanLatencyMs(), res.failed());
                    if (sharing) {
                        with = res;
                    } else {
                        without = res;
                    }
                }
                ratios.add(with.utilization() / without.utilization());
            }
        }
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        System.out.printf("utilization with / without sharing: median %.2f [%.2f-%.2f] -> %+.0f %% (seed: +40 %%, %s)%n",
                median, sorted[0], sorted[sorted.length - 1], (median - 1) * 100, median >= 1.40 ? "above" : "below");
    }

    static Result run(Path runtimeDir, String python, boolean sharing, long phaseMs, int phases, int serviceMs,
                      double overload, double maxShared, long seed) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        PoolRuntime runtime = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
        ResourceLimits d = ResourceLimits.defaults();
        ResourceLimits limits = new ResourceLimits(1_000_000, Duration.ofMinutes(10), d.maxMemoryMb(), 0, d.maxRestarts(), d.restartWindow());
        List<PythonPool> pools = new ArrayList<>();
        WorkerSharingService service = null;
        try {
            for (PoolSpec s : POOLS) {
                PythonPool p = new PythonPool(PoolConfig.builder().poolId(s.id()).poolType(s.type()).size(s.size())
                        .priority(s.priority()).sharingPolicy(s.policy()).resourceLimits(limits)
                        .workerSpec(WorkerSpec.defaults().withAdapter("bench").withPython(python)).build(), runtime);
                pools.add(p);
                p.start();
            }
            for (PythonPool p : pools) {
                if (!p.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("pool " + p.id() + " did not start");
                }
            }
            FixedPoolRegistry registry = new FixedPoolRegistry(pools);
            if (sharing) {
                PoolLookup lookup = new PoolLookup() {
                    @Override
                    public Optional<PythonPool> pool(String poolId) {
                        return pools.stream().filter(p -> p.id().equals(poolId)).findFirst();
                    }

                    @Override
                    public Collection<PythonPool> pools() {
                        return pools;
                    }
                };
                WorkerExchangeService exchange = new WorkerExchangeService(lookup, EventSink.NONE, scheduler, runtime.answers());
                LoadBalancingStrategy rr = new RoundRobinStrategy();
                RoutingEngine router = StandaloneRouter.create(registry, new BenchLoadBalancing("round_robin", 1_000L, 0), rr,
                        Map.of(LoadBalancingStrategy.NAME, "round_robin"));
                service = new WorkerSharingService(exchange, registry, router, new Limits(maxShared));
            }
            return drive(pools, phaseMs, phases, serviceMs, overload, seed);
        } finally {
            if (service != null) {
                service.deactivate();
            }
            for (PythonPool p : pools) {
                p.stop(Duration.ofSeconds(5));
            }
            scheduler.shutdownNow();
        }
    }

    /** Open-loop Poisson arrivals per pool; the hot pool alternates between general and generation. */
    static Result drive(List<PythonPool> pools, long phaseMs, int phases, int serviceMs, double overload, long seed) throws Exception {
        Random random = new Random(seed);
        int n = pools.size();
        double[] capacity = new double[n];
        for (int i = 0; i < n; i++) {
            capacity[i] = POOLS.get(i).size() * 1000.0 / serviceMs;
        }
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>();
        double[] busyAndAvail = new double[2];
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                int queued = 0;
                int busy = 0;
                int workers = 0;
                for (PythonPool p : pools) {
                    PoolStats s = p.stats();
                    queued += s.queued();
                    busy += s.busy();
                    workers += s.workers();
                }
                if (queued > 0) {
                    busyAndAvail[0] += busy;
                    busyAndAvail[1] += workers;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }, "sharing-bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
        JsonObject args = new JsonObject();
        args.addProperty("ms", serviceMs);
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(phaseMs * phases);
        long[] next = new long[n];
        Arrays.fill(next, start);
        while (true) {
            int i = 0;
            for (int k = 1; k < n; k++) {
                if (next[k] < next[i]) {
                    i = k;
                }
            }
            if (next[i] >= end) {
                break;
            }
            long wait = next[i] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            all.add(pools.get(i).execute(Request.of("sleep", args)).toCompletableFuture().whenComplete((r, e) -> {
                if (e == null) {
                    completed.incrementAndGet();
                    latencyNanos.addAndGet(System.nanoTime() - sent);
                } else {
                    failed.incrementAndGet();
                }
            }));
            int phase = (int) ((next[i] - start) / TimeUnit.MILLISECONDS.toNanos(phaseMs));
            double rate = capacity[i] * share(POOLS.get(i).id(), phase, overload);
            next[i] += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(10, TimeUnit.MINUTES);
        sampler.interrupt();
        sampler.join();
        double util = busyAndAvail[1] == 0 ? 0 : busyAndAvail[0] / busyAndAvail[1];
        long c = completed.get();
        return new Result(util, c, c == 0 ? 0 : latencyNanos.get() / 1e6 / c, failed.get());
    }

    /** A pool's arrival rate in a phase, as a share of its own capacity. */
    static double share(String poolId, int phase, double overload) {
        boolean generalHot = phase % 2 == 0;
        return switch (poolId) {
            case "general_pool" -> generalHot ? overload : 0.2;
            case "generation_pool" -> generalHot ? 0.2 : overload;
            default -> 0.5;
        };
    }



    /** {@code dev.pooler.sharing}: the seed's values, but windows short enough for phases of seconds. */
    private record Limits(double maxShared) implements SharingConfiguration {
        @Override
        public Class<? extends Annotation> annotationType() {
            return SharingConfiguration.class;
        }

        @Override
        public double max_shared_percentage() {
            return maxShared;
        }

        @Override
        public long sharing_duration_limit() {
            return 300;
        }

        @Override
        public double return_threshold() {
            return 0.4;
        }

        @Override
        public boolean compatibility_check() {
            return true;
        }

        @Override
        public long minimum_loan() {
            return 2;
        }

        @Override
        public long return_window() {
            return 3;
        }

        @Override
        public int max_moves_per_round() {
            return 4;
        }
    }
}
