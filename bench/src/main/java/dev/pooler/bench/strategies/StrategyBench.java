package dev.pooler.bench.strategies;

import com.google.gson.JsonObject;
import dev.pooler.api.Request;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.bench.CpuClock;
import dev.pooler.bench.Figure;
import dev.pooler.bench.WorkerRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The strategy benchmark: every load-balancing strategy, and an oracle that knows the true service
 * times, routing the same open-loop arrivals through the real {@code RoutingEngine} to three real
 * {@code PythonPool}s of unequal speed ({@code unequal}), and to three equal pools one of which turns
 * ten times slower for a window ({@code slow_window}). Per run: mean, p50, p99, the share answered
 * within 6 x the fastest pool's median service time, and where the requests went; each (scenario,
 * strategy) once per round, strategies in rotating order; then median [min–max] over the rounds, the
 * routing decision cost, and the goals. A main program, not a test; see {@code bench/README.md}.
 */
public final class StrategyBench {

    /** Kept referenced: java.util.logging holds its loggers weakly, and would forget the level. */
    private static final Logger POOLER_LOG = Logger.getLogger("dev.pooler");

    static final double ORACLE_BOUND = 1.15;
    static final double SLOW_WINDOW_BOUND = 0.5;
    /** In the mixed scenario (issue 11): ml_optimized / best, in every round. */
    static final double MIXED_BEST_BOUND = 0.8;
    static final double DECISION_BOUND_NS = 5_000;
    static final List<String> BASELINES = List.of("least_connections", "p2c", "response_time");
    static final String ML = "ml_optimized";

    private final StrategyOptions o;
    private final PrintStream out;
    private final Path runtime;
    /** scenario -> contender -> one result per round */
    private final Map<String, Map<String, List<OpenLoopRun.Result>>> results = new LinkedHashMap<>();
    private final List<Scenario> scenarios = new ArrayList<>();
    private RoutingCost cost;
    /** ns per PythonPool.stats() call, measured alone on a real pool; 0 when not measured. */
    private double statsNanos;

    private StrategyBench(StrategyOptions o, PrintStream out, Path runtime) {
        this.o = o;
        this.out = out;
        this.runtime = runtime;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        StrategyOptions options;
        try {
            options = StrategyOptions.parse(args);
        } catch (dev.pooler.bench.OptionValues.HelpRequested h) {
            out.print(StrategyOptions.help());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("StrategyBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!options.verbose()) {
            POOLER_LOG.setLevel(Level.WARNING); // the pools log every start and stop at INFO
        }
        try (WorkerRuntime rt = WorkerRuntime.locate(options.runtime())) {
            new StrategyBench(options, out, rt.dir()).run();
        }
    }

    private void run() throws Exception {
        double loadBefore = CpuClock.loadAverage();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "Pooler strategy bench: %d CPUs, load average %.2f, Java %s, %s, runtime %s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, System.getProperty("java.version"),
                pythonVersion(o.python()), runtime);
        out.println("options: " + o.describe());
        if (o.only().contains("cost")) {
            cost = new RoutingCost(o.strategies(), o.costRounds(), o.costRequests(), out);
            cost.run(); // first: it also warms the JIT up on the router and every strategy
        }
        if (o.only().contains("scenarios")) {
            runScenarios();
        }
        double loadAfter = CpuClock.loadAverage();
        for (Scenario sc : scenarios) {
            printScenarioSummary(sc);
        }
        printCostSummary();
        printGoals();
        out.printf(Locale.ROOT, "%n%d CPUs; load average %.2f before, %.2f after; %.0f s in all.%s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, (System.nanoTime() - t0) / 1e9,
                Math.max(loadBefore, loadAfter) > Runtime.getRuntime().availableProcessors() * 0.5
                        ? " The machine was busy: read these figures as indicative only." : "");
    }

    // --- the scenarios ---------------------------------------------------------------------------

    private void runScenarios() throws IOException, InterruptedException {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-pool-scheduler");
            t.setDaemon(true);
            return t;
        });
        try (BenchPools pools = new BenchPools(o.python(), runtime, o.workers(), scheduler)) {
            JsonObject args = new JsonObject();
            args.addProperty("ms", o.baseMs());
            Request request = Request.of("work", args);
            double[] equal = {1, 1, 1};
            double[] slowed = {1, 1, 1};
            slowed[1] = o.slowdown();
            List<double[]> phases = new ArrayList<>();
            if (o.scenarios().contains(Scenario.UNEQUAL)) {
                phases.add(o.speeds());
            }
            if (o.scenarios().contains(Scenario.SLOW_WINDOW)) {
                phases.add(equal);
                phases.add(slowed);
            } else if (o.scenarios().contains(Scenario.MIXED)) {
                phases.add(equal); // the per-request overhead, and the deadline
            }
            out.printf(Locale.ROOT, "%n== Strategies on unequal pools: 3 pools x %d workers of the bench adapter, "
                    + "every request work {\"ms\": %s} ==%n", o.workers(), StrategyOptions.num(o.baseMs()));
            Calibration cal = Calibration.run(pools, request, o.baseMs(), o.workers(), phases, out);
            long warmup = TimeUnit.MILLISECONDS.toNanos(o.warmupMs());
            long span = warmup + TimeUnit.MILLISECONDS.toNanos(o.durationMs());
            if (o.scenarios().contains(Scenario.UNEQUAL)) {
                scenarios.add(unequal(cal));
            }
            if (o.scenarios().contains(Scenario.SLOW_WINDOW)) {
                scenarios.add(slowWindow(cal, warmup));
            }
            if (o.scenarios().contains(Scenario.MIXED)) {
                scenarios.add(mixed(cal));
            }
            out.println("scenarios (open-loop Poisson arrivals, the same sequence for every strategy within a round;"
                    + " latency = scheduled arrival -> answer):");
            for (Scenario sc : scenarios) {
                out.println("  " + sc.describe(BenchPools.IDS, o.workers(), o.baseMs()));
                Map<String, List<OpenLoopRun.Result>> m = new LinkedHashMap<>();
                o.strategies().forEach(s -> m.put(s, new ArrayList<>()));
                results.put(sc.name(), m);
            }
            out.printf(Locale.ROOT, "each run: %d ms of arrivals, the first %d ms unrecorded; %d runs, about %.0f s%n",
                    o.warmupMs() + o.durationMs(), o.warmupMs(), o.rounds() * scenarios.size() * o.strategies().size(),
                    o.rounds() * scenarios.size() * o.strategies().size() * (span / 1e9 + 0.5));
            ServiceTimes truth = new ServiceTimes();
            for (int r = 0; r < o.rounds(); r++) {
                out.printf(Locale.ROOT, "round %d/%d%n", r + 1, o.rounds());
                for (int si = 0; si < scenarios.size(); si++) {
                    Scenario sc = scenarios.get(si);
                    long[] arrivals = Arrivals.poisson(sc.ratePerMs(), span, o.seed() + r * 7919L + si);
                    Request[] requests = new Request[arrivals.length];
                    if (sc.mixed()) {
                        requests = MixedWorkload.requests(arrivals.length, o.seed() + r * 7919L + si + 104729L);
                    } else {
                        java.util.Arrays.fill(requests, request);
                    }
                    List<String> names = o.strategies();
                    for (int j = 0; j < names.size(); j++) {
                        String name = names.get((j + r) % names.size());
                        LoadBalancingStrategy strategy = Contenders.create(name, o.seed() + r, truth);
                        OpenLoopRun.Result res = OpenLoopRun.run(sc, name, strategy, pools, truth, cal, arrivals, warmup,
                                requests);
                        results.get(sc.name()).get(name).add(res);
                        printRun(res);
                        Thread.sleep(200); // the pools are idle again; let the machine settle
                    }
                }
            }
            statsNanos = statsCost(pools); // now that the pools' latency windows are full
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** What one PythonPool.stats() costs (the router calls it once per candidate per decision). */
    private static double statsCost(BenchPools pools) {
        var pool = pools.pools().get(0);
        long acc = 0;
        for (int i = 0; i < 20_000; i++) {
            acc += pool.stats().completed();
        }
        int n = 50_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            acc += pool.stats().completed();
        }
        double ns = (double) (System.nanoTime() - t0) / n;
        return acc == 42 ? ns + 1 : ns;
    }

    private Scenario unequal(Calibration cal) {
        double[] f = o.speeds();
        double capacity = 0;
        double fastestP50 = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            capacity += o.workers() / cal.trueMeanMs(f[i]);
            fastestP50 = Math.min(fastestP50, cal.p50Ms(i, f[i]));
        }
        return new Scenario(Scenario.UNEQUAL, f.clone(), -1, 1, 0, 0, o.utilisation() * capacity,
                Scenario.DEADLINE_MULTIPLE * fastestP50, capacity);
    }

    private Scenario mixed(Calibration cal) {
        double overhead = cal.overheadMs();
        double capacity = MixedWorkload.capacityPerMs(o.workers(), overhead);
        out.printf(Locale.ROOT, "mixed: %.2f ms per request beyond its sleep (calibrated); the best static placement serves"
                        + " %.0f/s, a type-blind even spread %.0f/s%n", overhead, capacity * 1000,
                MixedWorkload.blindCapacityPerMs(o.workers(), overhead) * 1000);
        double fastestP50 = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            fastestP50 = Math.min(fastestP50, cal.p50Ms(i, 1));
        }
        return new Scenario(Scenario.MIXED, new double[] {1, 1, 1}, -1, 1, 0, 0, o.utilisation() * capacity,
                Scenario.DEADLINE_MULTIPLE * fastestP50, capacity);
    }

    private Scenario slowWindow(Calibration cal, long warmup) {
        double[] f = {1, 1, 1};
        int slow = 1;
        double capacity = 0; // the smallest: while b is slow
        double fastestP50 = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            capacity += o.workers() / cal.trueMeanMs(i == slow ? o.slowdown() : f[i]);
            fastestP50 = Math.min(fastestP50, cal.p50Ms(i, f[i]));
        }
        long measured = TimeUnit.MILLISECONDS.toNanos(o.durationMs());
        return new Scenario(Scenario.SLOW_WINDOW, f, slow, o.slowdown(), warmup + (long) (o.windowStart() * measured),
                warmup + (long) (o.windowEnd() * measured), o.utilisation() * capacity,
                Scenario.DEADLINE_MULTIPLE * fastestP50, capacity);
    }

    private void printRun(OpenLoopRun.Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "  %-11s %-20s n %5d  mean %7.2f  p50 %6.2f  p99 %7.2f ms  on time %5.1f%%  a/b/c %2.0f/%2.0f/%2.0f%%"
                        + "  decision %5.1f µs  lag p99 %.2f ms",
                r.scenario(), r.contender(), r.measured(), r.meanMs(), r.p50Ms(), r.p99Ms(), 100 * r.onTimeShare(),
                100 * r.share(0), 100 * r.share(1), 100 * r.share(2), r.decisionNanos().mean() / 1e3,
                r.lagNanos().percentile(99) / 1e6));
        if (r.phases() != null) {
            sb.append(String.format(Locale.ROOT, "  before/in/after window: p99 %.1f/%.1f/%.1f, b %.0f/%.0f/%.0f%%",
                    r.phases()[0].percentile(99) / 1e6, r.phases()[1].percentile(99) / 1e6,
                    r.phases()[2].percentile(99) / 1e6, 100 * r.slowPoolShare()[0], 100 * r.slowPoolShare()[1],
                    100 * r.slowPoolShare()[2]));
        }
        if (r.failed() > 0) {
            sb.append("  FAILED ").append(r.failed()).append(" (").append(r.firstError()).append(')');
        }
        out.println(sb);
    }

    // --- summaries -------------------------------------------------------------------------------

    private void printScenarioSummary(Scenario sc) {
        Map<String, List<OpenLoopRun.Result>> byName = results.get(sc.name());
        out.printf(Locale.ROOT, "%n== %s: median [min–max] over %d rounds (on time = within %.1f ms) ==%n", sc.name(),
                o.rounds(), sc.deadlineMs());
        out.printf(Locale.ROOT, "  %-20s %-22s %-22s %-26s %-20s %s%n", "strategy", "mean ms", "p50 ms", "p99 ms",
                "on time %", "share a/b/c %");
        for (Map.Entry<String, List<OpenLoopRun.Result>> e : byName.entrySet()) {
            List<OpenLoopRun.Result> rs = e.getValue();
            out.printf(Locale.ROOT, "  %-20s %-22s %-22s %-26s %-20s %s/%s/%s%n", e.getKey(),
                    fig(rs, OpenLoopRun.Result::meanMs).format("%.2f"), fig(rs, OpenLoopRun.Result::p50Ms).format("%.2f"),
                    fig(rs, OpenLoopRun.Result::p99Ms).format("%.2f"),
                    fig(rs, r -> 100 * r.onTimeShare()).format("%.1f"),
                    num0(fig(rs, r -> 100 * r.share(0)).median()), num0(fig(rs, r -> 100 * r.share(1)).median()),
                    num0(fig(rs, r -> 100 * r.share(2)).median()));
        }
        if (sc.hasWindow()) {
            String slow = BenchPools.IDS[sc.slowPool()];
            out.printf(Locale.ROOT, "  by arrival: p99 ms, and %% answered by pool %s%n  %-20s %-22s %-22s %-22s %s%n",
                    slow, "strategy", "p99 before the window", "p99 in the window", "p99 after the window",
                    "share of " + slow + " before/in/after %");
            for (Map.Entry<String, List<OpenLoopRun.Result>> e : byName.entrySet()) {
                List<OpenLoopRun.Result> rs = e.getValue();
                out.printf(Locale.ROOT, "  %-20s %-22s %-22s %-22s %s/%s/%s%n", e.getKey(),
                        fig(rs, r -> r.phases()[0].percentile(99) / 1e6).format("%.1f"),
                        fig(rs, r -> r.phases()[1].percentile(99) / 1e6).format("%.1f"),
                        fig(rs, r -> r.phases()[2].percentile(99) / 1e6).format("%.1f"),
                        num0(fig(rs, r -> 100 * r.slowPoolShare()[0]).median()),
                        num0(fig(rs, r -> 100 * r.slowPoolShare()[1]).median()),
                        num0(fig(rs, r -> 100 * r.slowPoolShare()[2]).median()));
            }
        }
    }

    private void printCostSummary() {
        if (cost == null && results.isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "%n== Routing decision cost, ns per request, 3 candidates: median [min–max] ==%n");
        out.printf(Locale.ROOT, "  %-20s %-20s %-20s %-20s %-22s %s%n", "strategy", "decision, stub pools",
                "route call, stub", "select() alone", "decision, real: mean", "real: p50");
        for (String name : o.strategies()) {
            Figure realMean = realDecisions(name, false);
            Figure realP50 = realDecisions(name, true);
            out.printf(Locale.ROOT, "  %-20s %-20s %-20s %-20s %-22s %s%n", name,
                    cost == null ? "-" : cost.decisionNs.get(name).format("%.0f"),
                    cost == null ? "-" : cost.routeNs.get(name).format("%.0f"),
                    cost == null ? "-" : cost.selectNs.get(name).format("%.0f"),
                    realMean.count() == 0 ? "-" : realMean.format("%.0f"),
                    realP50.count() == 0 ? "-" : realP50.format("%.0f"));
        }
        out.println("  stub pools: " + o.costRounds() + " rounds of " + o.costRequests() + " routes in a tight loop, the"
                + " router's decision time read every " + RoutingCost.SAMPLE_EVERY + "th; real: the runs above, every "
                + OpenLoopRun.DECISION_SAMPLE_EVERY + "th decision,");
        out.println("  one figure per run; a real decision includes PythonPool.stats() for each candidate"
                + (statsNanos > 0 ? String.format(Locale.ROOT, " (%.0f ns per call, measured alone)", statsNanos) : ""));
    }

    /** One value per run: the mean (or median) of the decision times sampled in it, real pools. */
    private Figure realDecisions(String name, boolean median) {
        Figure f = new Figure();
        for (Map<String, List<OpenLoopRun.Result>> m : results.values()) {
            for (OpenLoopRun.Result r : m.get(name)) {
                f.add(median ? r.decisionNanos().percentile(50) : r.decisionNanos().mean());
            }
        }
        return f;
    }

    private void printGoals() {
        out.printf(Locale.ROOT, "%n== Goals (issue 3, item 6; mixed: issue 11, item 3): ratios of p99s of the same round, median [min–max] over %d"
                + " rounds ==%n", o.rounds());
        out.println("  best = the lowest p99 of " + String.join(", ", BASELINES) + " in that round");
        out.printf(Locale.ROOT, "  %-12s %-48s %-24s %-8s %s%n", "scenario", "goal", "measured", "bound", "verdict");
        for (Scenario sc : scenarios) {
            Map<String, List<OpenLoopRun.Result>> m = results.get(sc.name());
            String s = sc.name();
            Figure mlOracle = ratio(m, ML, List.of(Contenders.ORACLE));
            Figure mlBest = ratio(m, ML, BASELINES);
            if (sc.mixed()) {
                // issue 11: in every round, not only the median
                goal(s, "ml_optimized / oracle, every round", mlOracle, "<= " + ORACLE_BOUND,
                        mlOracle == null ? null : mlOracle.max() <= ORACLE_BOUND, rounds(mlOracle, v -> v <= ORACLE_BOUND));
                goal(s, "ml_optimized / best, every round", mlBest, "<= " + MIXED_BEST_BOUND,
                        mlBest == null ? null : mlBest.max() <= MIXED_BEST_BOUND,
                        rounds(mlBest, v -> v <= MIXED_BEST_BOUND) + bestNames(m));
                continue;
            }
            goal(s, "ml_optimized / oracle", mlOracle, "<= " + ORACLE_BOUND,
                    mlOracle == null ? null : mlOracle.median() <= ORACLE_BOUND, rounds(mlOracle, v -> v <= ORACLE_BOUND));
            goal(s, "ml_optimized / best", mlBest, "<= 1",
                    mlBest == null ? null : mlBest.median() <= 1.0, rounds(mlBest, v -> v <= 1.0) + bestNames(m));
            Figure bestOracle = ratio(m, null, List.of(Contenders.ORACLE));
            if (bestOracle != null && mlOracle != null) {
                goal(s, "  best / oracle (far when > " + ORACLE_BOUND + ")", bestOracle, "-", null, "");
                if (bestOracle.median() > ORACLE_BOUND) {
                    Figure closed = closure(m);
                    goal(s, "share of (best - oracle) closed by ml_optimized", closed, ">= 0.5", closed.median() >= 0.5,
                            rounds(closed, v -> v >= 0.5));
                } else {
                    goal(s, "share of (best - oracle) closed by ml_optimized", null, ">= 0.5", null,
                            "n/a: best is within " + ORACLE_BOUND + "x of the oracle");
                }
            }
            if (sc.hasWindow()) {
                for (String x : List.of("response_time", "p2c")) {
                    Figure f = ratio(m, x, List.of("round_robin"));
                    goal(s, x + " / round_robin", f, "<= " + SLOW_WINDOW_BOUND,
                            f == null ? null : f.median() <= SLOW_WINDOW_BOUND, rounds(f, v -> v <= SLOW_WINDOW_BOUND));
                }
            }
        }
        if (cost != null) {
            String worst = null;
            for (String name : o.strategies()) {
                if (worst == null || cost.decisionNs.get(name).median() > cost.decisionNs.get(worst).median()) {
                    worst = name;
                }
            }
            Figure w = cost.decisionNs.get(worst);
            goal("routing", "decision ns, stub pools (worst: " + worst + ")", w, "<= 5000",
                    w.median() <= DECISION_BOUND_NS, "");
        }
        if (!results.isEmpty()) {
            String worst = null;
            Figure worstFig = null;
            for (String name : o.strategies()) {
                Figure real = realDecisions(name, false);
                if (worstFig == null || real.median() > worstFig.median()) {
                    worst = name;
                    worstFig = real;
                }
            }
            goal("routing", "  decision ns, real pools (worst: " + worst + ")", worstFig, "-", null,
                    "(info: mean per run, includes the machine's noise)");
        }
    }

    private void goal(String scenario, String what, Figure f, String bound, Boolean met, String note) {
        boolean big = f != null && Math.abs(f.median()) >= 100;
        out.printf(Locale.ROOT, "  %-12s %-48s %-24s %-8s %s%s%n", scenario, what,
                f == null ? "n/a" : f.format(big ? "%.0f" : "%.2f"), bound,
                met == null ? (f == null && note.isEmpty() ? "n/a (contenders missing)" : "") : met ? "met" : "MISSED",
                note);
    }

    /**
     * Per round, {@code a}'s p99 over the smallest p99 among {@code others} (a == null: that smallest
     * over the oracle instead, when others is the oracle: the best baseline's distance). Null when a
     * contender is missing.
     */
    private Figure ratio(Map<String, List<OpenLoopRun.Result>> m, String a, List<String> others) {
        List<String> numerators = a == null ? BASELINES : List.of(a);
        for (String n : numerators) {
            if (!m.containsKey(n)) {
                return null;
            }
        }
        for (String n : others) {
            if (!m.containsKey(n)) {
                return null;
            }
        }
        Figure f = new Figure();
        for (int r = 0; r < o.rounds(); r++) {
            double num = bestP99(m, numerators, r);
            double den = bestP99(m, others, r);
            f.add(num / den);
        }
        return f;
    }

    /** Per round: (best − ml) / (best − oracle), the share of the best baseline's distance to the oracle that ml closes. */
    private Figure closure(Map<String, List<OpenLoopRun.Result>> m) {
        Figure f = new Figure();
        for (int r = 0; r < o.rounds(); r++) {
            double best = bestP99(m, BASELINES, r);
            double oracle = m.get(Contenders.ORACLE).get(r).p99Ms();
            double ml = m.get(ML).get(r).p99Ms();
            f.add(best > oracle ? (best - ml) / (best - oracle) : Double.NaN);
        }
        return f;
    }

    private static double bestP99(Map<String, List<OpenLoopRun.Result>> m, List<String> names, int round) {
        double best = Double.MAX_VALUE;
        for (String n : names) {
            best = Math.min(best, m.get(n).get(round).p99Ms());
        }
        return best;
    }

    private String bestNames(Map<String, List<OpenLoopRun.Result>> m) {
        for (String n : BASELINES) {
            if (!m.containsKey(n)) {
                return "";
            }
        }
        StringBuilder sb = new StringBuilder(" (best per round:");
        for (int r = 0; r < o.rounds(); r++) {
            double best = bestP99(m, BASELINES, r);
            for (String n : BASELINES) {
                if (m.get(n).get(r).p99Ms() == best) {
                    sb.append(' ').append(n);
                    break;
                }
            }
        }
        return sb.append(')').toString();
    }

    private static String rounds(Figure f, DoublePredicate ok) {
        return f == null ? "" : String.format(Locale.ROOT, " (%d/%d rounds)", f.countMatching(ok), f.count());
    }

    private static Figure fig(List<OpenLoopRun.Result> rs, ToDoubleFunction<OpenLoopRun.Result> value) {
        Figure f = new Figure();
        rs.forEach(r -> f.add(value.applyAsDouble(r)));
        return f;
    }

    private static String num0(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
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
