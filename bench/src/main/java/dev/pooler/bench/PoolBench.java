package dev.pooler.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Pooler benchmark: what {@code PythonPool} costs over talking to a Python worker directly.
 * Latency (one request at a time), saturated throughput (N workers) and start-up, each repeated for
 * several rounds with the contenders interleaved, then a table of ratios against their goals.
 * A main program, not a test; how to run it: {@code bench/README.md}.
 */
public final class PoolBench {

    /** Kept referenced: java.util.logging holds its loggers weakly, and would forget the level. */
    private static final Logger POOLER_LOG = Logger.getLogger("dev.pooler");

    private PoolBench() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (dev.pooler.bench.OptionValues.HelpRequested h) {
            out.print(BenchOptions.help());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("PoolBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!options.verbose()) {
            POOLER_LOG.setLevel(Level.WARNING); // the pools log every start and stop at INFO
        }
        try (WorkerRuntime runtime = WorkerRuntime.locate(options.runtime())) {
            run(out, options, runtime.dir());
        }
    }

    private static void run(PrintStream out, BenchOptions options, Path runtime) throws Exception {
        double loadBefore = CpuClock.loadAverage();
        out.printf(Locale.ROOT, "Pooler bench: %d CPUs, load average %.2f, Java %s, %s, runtime %s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, System.getProperty("java.version"),
                pythonVersion(options.python()), runtime);
        out.println("options: " + options.describe());

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-pool-scheduler");
            t.setDaemon(true);
            return t;
        });
        BenchSetup setup = new BenchSetup(options, runtime, scheduler);
        long t0 = System.nanoTime();
        LatencyBench latency = null;
        ThroughputBench throughput = null;
        StartupBench startup = null;
        AllocationBench alloc = null;
        try {
            if (options.only().contains("latency")) {
                latency = new LatencyBench(setup, out);
                latency.run();
            }
            if (options.only().contains("throughput")) {
                throughput = new ThroughputBench(setup, out);
                throughput.run();
            }
            if (options.only().contains("startup")) {
                startup = new StartupBench(setup, out);
                startup.run();
            }
            if (options.only().contains("alloc")) {
                alloc = new AllocationBench(setup, out);
                alloc.run();
            }
        } finally {
            scheduler.shutdownNow();
        }
        double loadAfter = CpuClock.loadAverage();
        printSummary(out, options, latency, throughput, startup, alloc);
        out.printf(Locale.ROOT, "%d CPUs; load average %.2f before, %.2f after; %.0f s in all.%s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, (System.nanoTime() - t0) / 1e9,
                Math.max(loadBefore, loadAfter) > Runtime.getRuntime().availableProcessors() * 0.5
                        ? " The machine was busy: read these figures as indicative only." : "");
    }

    private static void printSummary(PrintStream out, BenchOptions o, LatencyBench latency, ThroughputBench throughput,
                                     StartupBench startup, AllocationBench alloc) {
        out.printf(Locale.ROOT, "%n== Ratios: median [min–max] over %d rounds ==%n", o.rounds());
        out.printf(Locale.ROOT, "  %-52s %-22s %-8s %s%n", "measure", "ratio", "goal", "median vs goal");
        if (latency != null) {
            row(out, "latency p50, pool / direct (1 worker, 1 at a time)", latency.p50Ratio, "<= 1.10", latency.p50Ratio.median() <= 1.10);
            row(out, "latency p99, pool / direct", latency.p99Ratio, "<= 1.25", latency.p99Ratio.median() <= 1.25);
            row(out, "throughput 1 at a time, pool / direct", latency.rateRatio, "-", null);
            row(out, "  diagnostic: async chain p50, pool / direct", latency.asyncP50Ratio, "-", null);
            row(out, "  diagnostic: async chain p99, pool / direct", latency.asyncP99Ratio, "-", null);
            row(out, "  diagnostic: spin then join p50, pool / direct", latency.spinP50Ratio, "-", null);
            row(out, "  diagnostic: spin then join p99, pool / direct", latency.spinP99Ratio, "-", null);
        }
        if (throughput != null) {
            row(out, "saturated throughput, pool / direct (" + o.workers() + " workers)", throughput.poolRatio, ">= 0.70",
                    throughput.poolRatio.median() >= 0.70);
            row(out, "  ceiling: pool / direct pipelined " + o.pipeline() + "/worker", throughput.ceilingRatio, "-", null);
            for (int i = 0; i < ThroughputBench.DEPTHS.length; i++) {
                Figure f = throughput.depthRatio[i];
                row(out, "saturated, pool pipeline.depth " + ThroughputBench.DEPTHS[i] + " / direct pipelined", f,
                        ">= " + ThroughputBench.DEPTH_GOAL, f.median() >= ThroughputBench.DEPTH_GOAL);
            }
            for (int i = 0; i < ThroughputBench.DEPTHS.length; i++) {
                int d = ThroughputBench.DEPTHS[i];
                row(out, "  like for like: depth " + d + " / direct pipelined " + d + " deep", throughput.depthLikeRatio[i], "-", null);
            }
        }
        if (startup != null) {
            int n = o.startupWorkers();
            row(out, "start-up, pool of " + n + " / pool of 1", startup.poolRatio, "<= 1.50", startup.poolRatio.median() <= 1.50);
            row(out, "  start-up spawn, pool of " + n + " / pool of 1", startup.spawnRatio, "-", null);
            row(out, "  floor: " + n + " / 1 bare processes", startup.directRatio, "-", null);
            row(out, "  pool of " + n + " / " + n + " bare processes", startup.poolNOverDirectN, "-", null);
            row(out, "crashed worker replaced (killed → ready), fork / spawn", startup.replaceRatio, "<= 0.20",
                    startup.replaceRatio.median() <= 0.20);
            row(out, n + " workers, 300 ms-CPU import: spawn / fork time", startup.heavySpeedup, ">= 5.00",
                    startup.heavySpeedup.median() >= 5.0);
            if (startup.pssRatio.count() > 0) {
                row(out, "PSS of " + n + " workers (+template), fork / spawn", startup.pssRatio, "-", null);
            }
        }
        if (alloc != null && alloc.bytesPerRequest.count() > 0) {
            out.printf(Locale.ROOT, "  %-52s %-22s %-8s %s%n", "JVM bytes allocated per request (pool path)",
                    alloc.bytesPerRequest.format("%.0f"), "-", "(info)");
        }
    }

    private static void row(PrintStream out, String what, Figure f, String goal, Boolean met) {
        out.printf(Locale.ROOT, "  %-52s %-22s %-8s %s%n", what, f.format("%.2f"), goal,
                met == null ? "(info)" : met ? "met" : "MISSED");
    }

    private static String pythonVersion(String python) {
        try {
            Process p = new ProcessBuilder(python, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the Python interpreter '" + python + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return python;
        }
    }
}
