package dev.pooler.strategies.ml.internal;

import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.RequestPriority;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongToDoubleFunction;

/**
 * A small discrete-event simulation of pools of workers behind a router, on a simulated clock.
 * Requests arrive as a Poisson stream; each pool has {@code workers} servers and a FIFO queue;
 * service times are exponential with a mean that may change over time. The strategy under test
 * chooses a pool per request from the same snapshots the router would give it and is fed the
 * outcomes; the router's per-command mean service time (the prior) is imitated too.
 * Deterministic for a given seed.
 */
final class PoolSimulation {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    /** One simulated pool: id, workers, true mean service time (ms) as a function of the time (ns). */
    record PoolSpec(String id, int workers, LongToDoubleFunction meanServiceMsAt) {
        static PoolSpec constant(String id, int workers, double meanMs) {
            return new PoolSpec(id, workers, t -> meanMs);
        }
    }

    /** Per-request results: arrival time, latency and pool, in arrival order. */
    record Result(String strategy, long[] arrivals, long[] latencies, int[] pools, List<String> poolIds) {

        Stats stats(long fromNanos, long toNanos) {
            int count = 0;
            for (long a : arrivals) {
                if (a >= fromNanos && a < toNanos) {
                    count++;
                }
            }
            double[] lat = new double[count];
            int[] perPool = new int[poolIds.size()];
            int j = 0;
            double sum = 0;
            for (int i = 0; i < arrivals.length; i++) {
                if (arrivals[i] >= fromNanos && arrivals[i] < toNanos) {
                    lat[j++] = latencies[i] / 1e6;
                    sum += latencies[i] / 1e6;
                    perPool[pools[i]]++;
                }
            }
            Arrays.sort(lat);
            double p99 = count == 0 ? 0 : lat[Math.min(count - 1, (int) Math.ceil(0.99 * count) - 1)];
            double p50 = count == 0 ? 0 : lat[Math.min(count - 1, (int) Math.ceil(0.50 * count) - 1)];
            double[] share = new double[perPool.length];
            for (int p = 0; p < perPool.length; p++) {
                share[p] = count == 0 ? 0 : (double) perPool[p] / count;
            }
            return new Stats(strategy, count, count == 0 ? 0 : sum / count, p50, p99, share);
        }

        Stats stats() {
            return stats(Long.MIN_VALUE, Long.MAX_VALUE);
        }
    }

    record Stats(String strategy, int requests, double meanMs, double p50Ms, double p99Ms, double[] share) {
        double share(int pool) {
            return share[pool];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format("%-20s n=%6d mean=%7.2f ms p50=%7.2f ms p99=%8.2f ms share=",
                    strategy, requests, meanMs, p50Ms, p99Ms));
            for (double s : share) {
                b.append(String.format(" %4.1f%%", 100 * s));
            }
            return b.toString();
        }
    }

    private static final class Job {
        final long arrival;
        final RequestProfile profile;
        final int index;
        long start;

        Job(long arrival, RequestProfile profile, int index) {
            this.arrival = arrival;
            this.profile = profile;
            this.index = index;
        }
    }

    private static final class SimPool {
        final PoolSpec spec;
        final int index;
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        final java.util.Set<Job> running = new java.util.HashSet<>();
        int busy;

        SimPool(PoolSpec spec, int index) {
            this.spec = spec;
            this.index = index;
        }

        PoolSnapshot snapshot() {
            int outstanding = busy + queue.size();
            return new PoolSnapshot(spec.id(), PoolType.GENERAL, Priority.MEDIUM, null, "default", Set.of("all"),
                    spec.workers(), busy, queue.size(), outstanding, 0, 0, 1.0, -1, -1);
        }
    }

    private record Completion(long time, SimPool pool, Job job) {
    }

    /**
     * What the requests are: each arrival's profile, and what it costs on each pool (the true mean
     * service time, ms). The default is one command, {@code work}, costing the pool's mean.
     */
    interface Workload {
        RequestProfile next(SplittableRandom random, double routerMeanMs);

        double meanMs(PoolSpec pool, RequestProfile request, long now);

        /** Service times are Erlang-k with this k: 1 is exponential, larger is steadier (cv^2 = 1/k). */
        default int phases() {
            return 1;
        }
    }

    static final Workload UNIFORM = new Workload() {
        @Override
        public RequestProfile next(SplittableRandom random, double routerMeanMs) {
            return new RequestProfile("work", "general", 0.0, routerMeanMs, null, null, RequestPriority.NORMAL, null, 0);
        }

        @Override
        public double meanMs(PoolSpec pool, RequestProfile request, long now) {
            return pool.meanServiceMsAt().applyAsDouble(now);
        }
    };

    private final List<PoolSpec> specs;
    private final Workload workload;
    private final List<SimPool> live = new ArrayList<>();
    private final double arrivalsPerMs;
    private final long durationNanos;
    private final long seed;
    private long now;

    PoolSimulation(List<PoolSpec> specs, double arrivalsPerMs, long durationNanos, long seed) {
        this(specs, UNIFORM, arrivalsPerMs, durationNanos, seed);
    }

    PoolSimulation(List<PoolSpec> specs, Workload workload, double arrivalsPerMs, long durationNanos, long seed) {
        this.specs = specs;
        this.workload = workload;
        this.arrivalsPerMs = arrivalsPerMs;
        this.durationNanos = durationNanos;
        this.seed = seed;
    }

    /** The simulated clock, for strategies that read time. */
    long now() {
        return now;
    }

    /** The true mean service time of a pool now (what an oracle knows). */
    double trueMeanMs(String poolId) {
        for (PoolSpec s : specs) {
            if (s.id().equals(poolId)) {
                return s.meanServiceMsAt().applyAsDouble(now);
            }
        }
        throw new IllegalArgumentException(poolId);
    }

    Result run(String name, LoadBalancingStrategy strategy) {
        SplittableRandom arrivalsRandom = new SplittableRandom(seed);
        SplittableRandom serviceRandom = new SplittableRandom(seed * 31 + 7);
        now = 0;
        List<SimPool> pools = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            pools.add(new SimPool(specs.get(i), i));
        }
        PriorityQueue<Completion> completions = new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));
        int expected = (int) (arrivalsPerMs * durationNanos / MS * 1.2) + 16;
        long[] arrivals = new long[expected];
        long[] latencies = new long[expected];
        int[] chosen = new int[expected];
        SplittableRandom requestRandom = new SplittableRandom(seed * 17 + 3);
        live.clear();
        live.addAll(pools);
        int count = 0;
        java.util.Map<String, Double> priorMs = new java.util.HashMap<>();
        long nextArrival = exponential(arrivalsRandom, MS / arrivalsPerMs);
        List<PoolSnapshot> snapshots = new ArrayList<>(pools.size());
        while (true) {
            Completion c = completions.peek();
            boolean arrive = nextArrival < durationNanos && (c == null || nextArrival <= c.time);
            if (!arrive && c == null) {
                break;
            }
            if (arrive) {
                now = nextArrival;
                nextArrival = now + exponential(arrivalsRandom, MS / arrivalsPerMs);
                RequestProfile profile = workload.next(requestRandom, 0);
                double routerMean = priorMs.getOrDefault(profile.command(), 0.0);
                profile = new RequestProfile(profile.command(), profile.capability(), profile.complexity(), routerMean,
                        profile.specializationNeeded(), profile.sessionId(), profile.priority(), profile.zone(),
                        profile.argsSize());
                snapshots.clear();
                for (SimPool p : pools) {
                    snapshots.add(p.snapshot());
                }
                PoolSnapshot pick = strategy.select(List.copyOf(snapshots), profile);
                SimPool pool = pools.get(snapshots.indexOf(pick));
                if (count == arrivals.length) {
                    arrivals = Arrays.copyOf(arrivals, count * 2);
                    latencies = Arrays.copyOf(latencies, count * 2);
                    chosen = Arrays.copyOf(chosen, count * 2);
                }
                arrivals[count] = now;
                chosen[count] = pool.index;
                Job job = new Job(now, profile, count);
                if (pool.busy < pool.spec.workers()) {
                    startService(pool, job, serviceRandom, completions);
                } else {
                    pool.queue.addLast(job);
                }
                count++;
            } else {
                completions.poll();
                now = c.time;
                SimPool pool = c.pool;
                pool.busy--;
                pool.running.remove(c.job);
                long latency = now - c.job.arrival;
                long service = now - c.job.start;
                latencies[c.job.index] = latency;
                strategy.recordOutcome(new RoutingOutcome(pool.spec.id(), c.job.profile, latency - service, service, null));
                double ms = service / 1e6;
                priorMs.merge(c.job.profile.command(), ms, (old, x) -> old + 0.05 * (x - old));
                Job next = pool.queue.pollFirst();
                if (next != null) {
                    startService(pool, next, serviceRandom, completions);
                }
            }
        }
        List<String> ids = new ArrayList<>();
        for (PoolSpec s : specs) {
            ids.add(s.id());
        }
        return new Result(name, Arrays.copyOf(arrivals, count), Arrays.copyOf(latencies, count),
                Arrays.copyOf(chosen, count), ids);
    }

    private void startService(SimPool pool, Job job, SplittableRandom random,
                              PriorityQueue<Completion> completions) {
        pool.busy++;
        pool.running.add(job);
        job.start = now;
        double meanMs = workload.meanMs(pool.spec, job.profile, now);
        int k = workload.phases();
        long service = 0;
        for (int i = 0; i < k; i++) {
            service += exponential(random, meanMs * MS / k);
        }
        service = Math.max(1, service);
        completions.add(new Completion(now + service, pool, job));
    }

    /**
     * The true mean cost of the requests outstanding at a pool (queued or running), ms each on
     * average, or NaN when it has none: what an oracle that sees the queues knows.
     */
    double meanOutstandingMs(String poolId) {
        for (SimPool p : live) {
            if (p.spec.id().equals(poolId)) {
                double sum = 0;
                int n = 0;
                for (Job j : p.queue) {
                    sum += workload.meanMs(p.spec, j.profile, now);
                    n++;
                }
                for (Job j : p.running) {
                    sum += workload.meanMs(p.spec, j.profile, now);
                    n++;
                }
                return n == 0 ? Double.NaN : sum / n;
            }
        }
        throw new IllegalArgumentException(poolId);
    }

    /** The true mean cost of a request on a pool now. */
    double trueMeanMs(String poolId, RequestProfile request) {
        for (PoolSpec s : specs) {
            if (s.id().equals(poolId)) {
                return workload.meanMs(s, request, now);
            }
        }
        throw new IllegalArgumentException(poolId);
    }

    private static long exponential(SplittableRandom r, double mean) {
        return (long) (-Math.log(1.0 - r.nextDouble()) * mean);
    }

    /**
     * Knows the true mean cost of every request on every pool, and sees what each pool has queued
     * and running: sends each request where it is expected to complete first. The yardstick for a
     * strategy learning per request type.
     */
    static LoadBalancingStrategy workOracle(PoolSimulation sim) {
        return (candidates, profile) -> {
            PoolSnapshot best = null;
            double bestE = Double.MAX_VALUE;
            for (PoolSnapshot s : candidates) {
                double mine = sim.trueMeanMs(s.poolId(), profile);
                int ahead = Math.max(0, s.inFlight() - s.workers() + 1);
                double e = ahead == 0 ? mine : (double) ahead / s.workers() * sim.meanOutstandingMs(s.poolId()) + mine;
                if (e < bestE) {
                    best = s;
                    bestE = e;
                }
            }
            return best;
        };
    }

    /**
     * Knows the true mean service times: sends each request to the pool with the least expected
     * completion time computed from them. The yardstick for a learned strategy.
     */
    static LoadBalancingStrategy oracle(PoolSimulation sim) {
        return (candidates, profile) -> {
            PoolSnapshot best = null;
            double bestE = Double.MAX_VALUE;
            for (PoolSnapshot s : candidates) {
                double mean = sim.trueMeanMs(s.poolId());
                int ahead = Math.max(0, s.inFlight() - s.workers() + 1);
                double e = (double) ahead / s.workers() * mean + mean;
                if (e < bestE) {
                    best = s;
                    bestE = e;
                }
            }
            return best;
        };
    }
}
