package dev.pooler.bench.strategies;

import dev.pooler.api.Request;
import dev.pooler.bench.Samples;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each (pool, speed factor) really costs: service times measured straight on the pools (no
 * router), every pool at full concurrency, before the runs. The oracle plans with these means, the
 * offered load is set from them, and the deadline is 6 x the fastest median.
 */
final class Calibration {

    /** One (pool, factor): service time in milliseconds. */
    record Point(int pool, double factor, double meanMs, double p50Ms, double p99Ms, int n) {
    }

    /** A phase sends this long, at most, to the slowest pool. */
    private static final double PHASE_MS = 600;

    private final Map<String, Point> points = new LinkedHashMap<>();
    private final double baseMs;

    private Calibration(double baseMs) {
        this.baseMs = baseMs;
    }

    /** Measures every pool at every factor vector given (one phase per vector; pools measured concurrently). */
    static Calibration run(BenchPools pools, Request request, double baseMs, int workers, List<double[]> phases,
                           PrintStream out) throws InterruptedException {
        Calibration c = new Calibration(baseMs);
        // an unrecorded pass first: the JIT, the workers' first requests
        runPhase(pools, request, baseMs, workers, phases.get(0), 10, null);
        Map<String, Samples> samples = new LinkedHashMap<>();
        for (double[] factors : phases) {
            runPhase(pools, request, baseMs, workers, factors, 0, samples);
        }
        for (Map.Entry<String, Samples> e : samples.entrySet()) {
            String[] k = e.getKey().split("@");
            Samples s = e.getValue();
            c.points.put(e.getKey(), new Point(Integer.parseInt(k[0]), Double.parseDouble(k[1]), s.mean() / 1e6,
                    s.percentile(50) / 1e6, s.percentile(99) / 1e6, s.size()));
        }
        out.println("calibration (straight to each pool, " + workers + " requests in flight per pool, no router):");
        out.printf(Locale.ROOT, "  %-5s %-7s %-9s %-9s %-9s %-9s %s%n", "pool", "factor", "sleep ms", "mean ms", "p50 ms",
                "p99 ms", "n");
        for (Point p : c.points.values()) {
            out.printf(Locale.ROOT, "  %-5s %-7s %-9.1f %-9.2f %-9.2f %-9.2f %d%n", BenchPools.IDS[p.pool()],
                    StrategyOptions.num(p.factor()), baseMs * p.factor(), p.meanMs(), p.p50Ms(), p.p99Ms(), p.n());
        }
        return c;
    }

    private static void runPhase(BenchPools pools, Request request, double baseMs, int workers, double[] factors,
                                 int fixedPerChain, Map<String, Samples> into) throws InterruptedException {
        pools.setFactors(factors);
        List<Thread> threads = new ArrayList<>();
        List<long[]> results = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        for (int i = 0; i < pools.size(); i++) {
            int pool = i;
            int perChain = fixedPerChain > 0 ? fixedPerChain
                    : (int) Math.max(15, Math.min(100, PHASE_MS / (baseMs * factors[i])));
            results.add(null);
            Thread t = new Thread(() -> {
                try {
                    long[] r = pools.measure(pool, request, factors[pool], workers, perChain);
                    synchronized (results) {
                        results.set(pool, r);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    synchronized (results) {
                        failure[0] = e;
                    }
                }
            }, "bench-calibrate-" + BenchPools.IDS[i]);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        synchronized (results) {
            if (failure[0] != null) {
                throw failure[0];
            }
            if (into == null) {
                return;
            }
            for (int i = 0; i < pools.size(); i++) {
                long[] r = results.get(i);
                if (r == null) {
                    throw new IllegalStateException("calibration of pool " + BenchPools.IDS[i] + " was interrupted");
                }
                Samples s = into.computeIfAbsent(key(i, factors[i]), k -> new Samples());
                for (long v : r) {
                    s.add(v);
                }
            }
        }
    }

    private static String key(int pool, double factor) {
        return pool + "@" + factor;
    }

    Point point(int pool, double factor) {
        Point p = points.get(key(pool, factor));
        if (p == null) {
            throw new IllegalStateException("pool " + BenchPools.IDS[pool] + " was not calibrated at factor " + factor);
        }
        return p;
    }

    double meanMs(int pool, double factor) {
        return point(pool, factor).meanMs();
    }

    /**
     * The true mean service time at a factor: the pools run the same processes, so a factor costs the
     * same in each; the mean over every pool calibrated at it keeps calibration noise from making
     * equal pools look unequal to the oracle.
     */
    double trueMeanMs(double factor) {
        double sum = 0;
        int n = 0;
        for (Point p : points.values()) {
            if (p.factor() == factor) {
                sum += p.meanMs() * p.n();
                n += p.n();
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no pool was calibrated at factor " + factor);
        }
        return sum / n;
    }

    /** What a request costs beyond its sleep (pipes, JSON, the worker's loop): the mean at factor 1 minus its sleep. */
    double overheadMs() {
        return Math.max(0, trueMeanMs(1) - baseMs);
    }

    double p50Ms(int pool, double factor) {
        return point(pool, factor).p50Ms();
    }
}
