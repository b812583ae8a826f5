package dev.pooler.bench.benefits;

import dev.pooler.bench.CpuClock;
import dev.pooler.bench.Figure;
import dev.pooler.bench.OptionValues;
import dev.pooler.bench.WorkerRuntime;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Issue 9 §8: the seed's three expected benefits, each measured side by side in one run on the seed's three
 * pools under a demand that shifts between them ({@link ShiftingDemand}), and printed against the seed's figure.
 * <ol>
 *   <li>resource utilization (busy worker-seconds over the worker-seconds available while work waits) with
 *       worker sharing vs the same pools without; requests go straight to their class's own pool (seed: +40 %);</li>
 *   <li>mean response time with {@code ml_optimized} vs {@code round_robin}, routed by the real router over the
 *       pools that serve each class, no sharing, at a stated share of figure 1's load (seed: −25 %);</li>
 *   <li>peak load handled: the highest load whose p99 latency stays within a stated deadline, found by bisection,
 *       with sharing and {@code ml_optimized} vs the same workers split statically with {@code round_robin}
 *       (seed: +60 %).</li>
 * </ol>
 * Every run gets a fresh router, strategy and sharing service on the same (settled) worker processes; the two sides of a round run the same arrivals (same seed), in alternating order.
 * A main program, not a test; see {@code bench/README.md}.
 */
public final class BenefitsBench {

    private static final Logger POOLER_LOG = Logger.getLogger("dev.pooler");

    /** The seed's figures ("Expected Benefits"), as changes: +40 %, −25 %, +60 %. */
    static final double SEED_UTILIZATION = 0.40;
    static final double SEED_RESPONSE = -0.25;
    static final double SEED_PEAK = 0.60;
    /** How often a run whose sender was stalled is run again. */
    static final int RERUNS = 2;

    private final BenefitsOptions o;
    private final PrintStream out;
    private final ShiftingDemand demand;
    private final Side.Setup setup;
    private final Figure utilization = new Figure();
    private final Figure response = new Figure();
    private final Figure peak = new Figure();
    private SeedPools pools;
    private int reruns;
    private int leftOut;

    private BenefitsBench(BenefitsOptions o, PrintStream out, Path runtimeDir) {
        this.o = o;
        this.out = out;
        this.demand = o.demand();
        this.setup = new Side.Setup(runtimeDir, o.python(), o.serviceMs(), o.windows(), o.rebalanceIntervalMs());
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BenefitsOptions options;
        try {
            options = BenefitsOptions.parse(args);
        } catch (OptionValues.HelpRequested h) {
            out.print(BenefitsOptions.help());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("BenefitsBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!options.verbose()) {
            POOLER_LOG.setLevel(Level.WARNING); // the pools log every start and stop at INFO
        }
        try (WorkerRuntime rt = WorkerRuntime.locate(options.runtime())) {
            new BenefitsBench(options, out, rt.dir()).run();
        }
    }

    private void run() throws InterruptedException {
        double loadBefore = CpuClock.loadAverage();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "Pooler benefits bench (issue 9 §8): %d CPUs, load average %.2f, Java %s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, System.getProperty("java.version"));
        out.println("options: " + o.describe());
        out.println("pools (the seed's): general_pool 8 overflow medium [all], embedding_pool 4 strict high [embedding..], "
                + "generation_pool 6 adaptive high [generation..]; adapter bench");
        out.println("demand: " + demand.describe());
        out.println("sharing (when on): " + o.windows().describe() + ", migration_threshold 0.7, rebalance_interval "
                + o.rebalanceIntervalMs() + " ms");
        long s0 = System.nanoTime();
        try (SeedPools started = SeedPools.start(setup.runtimeDir(), setup.python())) {
            pools = started;
            out.printf(Locale.ROOT, "the 18 workers started in %.1f s; every run reuses them, at rest%n", (System.nanoTime() - s0) / 1e9);
            // Unrecorded: the first runs of a JVM pay for class loading and JIT on their own clock.
            Side.ML_OPTIMIZED_SHARING.run(setup, pools, demand.schedule(o.load(), o.warmupMs(), o.phaseMs(), 1, o.seed() - 1));
            Side.OWN_POOLS.run(setup, pools, demand.schedule(o.load(), 0, o.phaseMs(), 1, o.seed() - 2));
            if (o.only().contains(BenefitsOptions.UTILIZATION)) {
                figureUtilization();
            }
            if (o.only().contains(BenefitsOptions.RESPONSE)) {
                figureResponse();
            }
            if (o.only().contains(BenefitsOptions.PEAK)) {
                figurePeak();
            }
        }
        double loadAfter = CpuClock.loadAverage();
        printSummary();
        out.printf(Locale.ROOT, "%n%d runs re-run for a stalled sender; %d rounds left out.", reruns, leftOut);
        out.printf(Locale.ROOT, "%n%d CPUs; load average %.2f before, %.2f after; %.0f s in all.%s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, (System.nanoTime() - t0) / 1e9,
                Math.max(loadBefore, loadAfter) > Runtime.getRuntime().availableProcessors() * 0.5
                        ? " The machine was busy: read these figures as indicative only." : "");
    }

    // --- figure 1 ---------------------------------------------------------------------------------

    private void figureUtilization() throws InterruptedException {
        out.printf(Locale.ROOT, "%n== 1. Resource utilization with worker sharing vs without (seed: +40 %%) ==%n");
        out.printf(Locale.ROOT, "each class straight to its own pool, load 100 %%; %d phases of %d ms after %d ms of warm-up; "
                + "utilization = busy / workers over the 20 ms samples in which work waited%n", o.phases(), o.phaseMs(), o.warmupMs());
        for (int r = 0; r < o.rounds(); r++) {
            ShiftingDemand.Schedule s = demand.schedule(1.0, o.warmupMs(), o.phaseMs(), o.phases(), roundSeed(r));
            ShiftRun.Result[] res = pair(r, Side.OWN_POOLS, Side.OWN_POOLS_SHARING, s);
            if (stalled(r, res)) {
                continue;
            }
            double change = res[1].utilization() / res[0].utilization() - 1;
            utilization.add(change);
            out.printf(Locale.ROOT, "  round %d: utilization %.3f with / %.3f without -> %+.1f %%%n", r + 1,
                    res[1].utilization(), res[0].utilization(), change * 100);
        }
    }

    // --- figure 2 ---------------------------------------------------------------------------------

    private void figureResponse() throws InterruptedException {
        out.printf(Locale.ROOT, "%n== 2. Mean response time, ml_optimized vs round_robin (seed: -25 %%) ==%n");
        out.printf(Locale.ROOT, "routed over the capable pools (general_pool serves every class), no sharing, load %.0f %% "
                + "(%.0f req/s in even phases, %.0f in odd ones); %d phases of %d ms after %d ms of warm-up%n", o.load() * 100,
                totalRate(0, o.load()), totalRate(1, o.load()), o.phases(), o.phaseMs(), o.warmupMs());
        for (int r = 0; r < o.rounds(); r++) {
            ShiftingDemand.Schedule s = demand.schedule(o.load(), o.warmupMs(), o.phaseMs(), o.phases(), roundSeed(r) + 1);
            ShiftRun.Result[] res = pair(r, Side.ROUND_ROBIN, Side.ML_OPTIMIZED, s);
            if (stalled(r, res)) {
                continue;
            }
            double change = res[1].meanMs() / res[0].meanMs() - 1;
            response.add(change);
            out.printf(Locale.ROOT, "  round %d: mean %.1f ms with ml_optimized / %.1f ms with round_robin -> %+.1f %%%n", r + 1,
                    res[1].meanMs(), res[0].meanMs(), change * 100);
        }
    }

    // --- figure 3 ---------------------------------------------------------------------------------

    private void figurePeak() throws InterruptedException {
        out.printf(Locale.ROOT, "%n== 3. Peak load handled, sharing + ml_optimized vs a static split with round_robin (seed: +60 %%) ==%n");
        out.printf(Locale.ROOT, "handled = every request answered and p99 <= %d ms; bisection over %.0f-%.0f %% of figure 1's load, "
                + "%d probes per side; each probe: %d ms of warm-up, %d phases of %d ms%n", o.deadlineMs(), o.peakLow() * 100,
                o.peakHigh() * 100, o.probes(), o.warmupMs(), o.peakPhases(), o.phaseMs());
        for (int r = 0; r < o.peakRounds(); r++) {
            List<Side> sides = o.peakMlAlone() ? List.of(Side.ROUND_ROBIN, Side.ML_OPTIMIZED_SHARING, Side.ML_OPTIMIZED)
                    : List.of(Side.ROUND_ROBIN, Side.ML_OPTIMIZED_SHARING);
            PeakSearch[] searches = new PeakSearch[sides.size()];
            for (int i = 0; i < searches.length; i++) {
                searches[i] = new PeakSearch(sides.get(i), o.peakLow(), o.peakHigh(), o.deadlineMs());
            }
            for (int k = 0; k < o.probes(); k++) {
                for (int i = 0; i < searches.length; i++) {
                    PeakSearch search = searches[(i + k + r) % searches.length];
                    double m = search.next();
                    ShiftingDemand.Schedule s = demand.schedule(m, o.warmupMs(), o.phaseMs(), o.peakPhases(),
                            roundSeed(r) + 2 + Math.round(m * 10_000) * 104_729L);
                    PeakSearch.Probe p = search.record(measure(r, search.side(), String.format(Locale.ROOT, "%s @ %.1f %%",
                            search.side().label, m * 100), s));
                    out.printf(Locale.ROOT, "             -> %s%n", p.held() ? "held" : "missed");
                }
            }
            if (searches.length > 2) {
                out.printf(Locale.ROOT, "  round %d: peak %s with ml_optimized alone (diagnostic: what routing does without sharing)%n",
                        r + 1, describePeak(searches[2]));
            }
            double rr = searches[0].peak();
            double ml = searches[1].peak();
            out.printf(Locale.ROOT, "  round %d: peak %s with sharing + ml_optimized / %s with round_robin", r + 1, describePeak(searches[1]),
                    describePeak(searches[0]));
            if (Double.isNaN(rr) || Double.isNaN(ml)) {
                out.println(" -> n/a (a side held no load in the range searched; widen --peak-range)");
                continue;
            }
            double change = ml / rr - 1;
            peak.add(change);
            out.printf(Locale.ROOT, " -> %+.1f %%%s%n", change * 100, searches[0].allHeld() || searches[1].allHeld()
                    ? " (a side held every load it was given: its peak may lie higher; widen --peak-range)" : "");
        }
    }

    private String describePeak(PeakSearch s) {
        double m = s.peak();
        if (Double.isNaN(m)) {
            return String.format(Locale.ROOT, "< %.0f %%", o.peakLow() * 100);
        }
        return String.format(Locale.ROOT, "%.1f %% (%.0f / %.0f req/s)", m * 100, totalRate(0, m), totalRate(1, m));
    }

    // --- shared -----------------------------------------------------------------------------------

    /** Runs both sides on the same schedule, in alternating order; returns {first, second}. */
    private ShiftRun.Result[] pair(int round, Side first, Side second, ShiftingDemand.Schedule s) throws InterruptedException {
        Side[] sides = {first, second};
        ShiftRun.Result[] res = new ShiftRun.Result[2];
        for (int k = 0; k < 2; k++) {
            int i = (k + round) % 2;
            res[i] = measure(round, sides[i], sides[i].label, s);
        }
        return res;
    }

    /** Runs a side; again (at most {@value #RERUNS} times) while the sender lagged past {@code max-lag}: a stalled machine. */
    private ShiftRun.Result measure(int round, Side side, String label, ShiftingDemand.Schedule s) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            ShiftRun.Result r = side.run(setup, pools, s);
            printRun(round, label, r);
            double lagMs = r.lagNanos().percentile(99) / 1e6;
            if (lagMs <= o.maxLagMs() || attempt == RERUNS) {
                return r;
            }
            reruns++;
            out.printf(Locale.ROOT, "             (send lag p99 %.0f ms > %d ms: the machine stalled the sender; run again)%n", lagMs,
                    o.maxLagMs());
        }
    }

    /** Whether a side of the round still ran on a stalled machine after its re-runs: then the round is left out. */
    private boolean stalled(int round, ShiftRun.Result[] res) {
        for (ShiftRun.Result r : res) {
            if (r.lagNanos().percentile(99) / 1e6 > o.maxLagMs()) {
                leftOut++;
                out.printf(Locale.ROOT, "  round %d: left out (a side's sender still lagged after %d re-runs)%n", round + 1, RERUNS);
                return true;
            }
        }
        return false;
    }

    private void printRun(int round, String label, ShiftRun.Result r) {
        out.printf(Locale.ROOT, "  round %d %-32s n %5d failed %d  mean %7.1f ms  p99 %7.1f ms  utilization while waiting %.3f "
                        + "(waiting in %3.0f %% of samples, %.1f workers on loan)  send lag p99 %.1f ms%s%n",
                round + 1, label, r.measured(), r.failed(), r.meanMs(), r.p99Ms(), r.utilization(), r.waitingShare() * 100,
                r.meanLent(), r.lagNanos().percentile(99) / 1e6, r.firstError() == null ? "" : "  first error: " + r.firstError());
    }

    private double totalRate(int phase, double multiplier) {
        double sum = 0;
        for (int c = 0; c < ShiftingDemand.CAPABILITIES.length; c++) {
            sum += demand.ratePerSecond(c, phase, multiplier);
        }
        return sum;
    }

    private long roundSeed(int round) {
        return o.seed() + 7919L * round;
    }

    private void printSummary() {
        out.printf(Locale.ROOT, "%n== Issue 9 §8: the seed's expected benefits vs ours (change, median [min–max] over rounds) ==%n");
        out.printf(Locale.ROOT, "  %-66s %-26s %-8s %s%n", "figure", "ours", "seed", "verdict");
        line("1. resource utilization, sharing vs without", utilization, SEED_UTILIZATION, true);
        line("2. mean response time, ml_optimized vs round_robin", response, SEED_RESPONSE, false);
        line(String.format(Locale.ROOT, "3. peak load (p99 <= %d ms), sharing + ml_optimized vs static round_robin", o.deadlineMs()),
                peak, SEED_PEAK, true);
    }

    /** One summary line; {@code higherIsBetter}: whether a larger change is the larger benefit. */
    private void line(String what, Figure f, double seed, boolean higherIsBetter) {
        if (f.count() == 0) {
            out.printf(Locale.ROOT, "  %-66s %-26s %+4.0f %%   not measured%n", what, "-", seed * 100);
            return;
        }
        double m = f.median();
        boolean beats = higherIsBetter ? m >= seed : m <= seed;
        out.printf(Locale.ROOT, "  %-66s %-26s %+4.0f %%   %s the seed's (%d round%s)%n", what,
                String.format(Locale.ROOT, "%+.0f %% [%+.0f..%+.0f %%]", m * 100, f.min() * 100, f.max() * 100), seed * 100,
                beats ? "above" : "below", f.count(), f.count() == 1 ? "" : "s");
    }
}
