package dev.pooler.bench.strategies;

import static dev.pooler.bench.OptionValues.nonNegative;
import static dev.pooler.bench.OptionValues.number;
import static dev.pooler.bench.OptionValues.positive;

import dev.pooler.bench.OptionValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The strategy benchmark's options. Each is read from the system property {@code bench.<name>} and
 * may be overridden by a program argument {@code --<name>=<value>}.
 */
record StrategyOptions(int rounds, long durationMs, long warmupMs, int workers, double baseMs, double[] speeds,
                       double slowdown, double windowStart, double windowEnd, double utilisation,
                       List<String> strategies, Set<String> scenarios, long seed, int costRounds, int costRequests,
                       Set<String> only, String python, Path runtime, boolean verbose) {

    static final List<String> SCENARIOS = List.of(Scenario.UNEQUAL, Scenario.SLOW_WINDOW, Scenario.MIXED);
    static final Set<String> PARTS = Set.of("scenarios", "cost");

    /** name -> {default, meaning}; the order is the one --help prints. */
    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("rounds", new String[] {"3", "rounds; each runs every (scenario, strategy) once, strategies in rotating order"});
        KNOWN.put("duration", new String[] {"5000", "ms of measured arrivals per run (after the warm-up)"});
        KNOWN.put("warmup", new String[] {"1000", "ms of unrecorded arrivals at the start of each run (fresh strategy learns)"});
        KNOWN.put("workers", new String[] {"2", "workers in each of the three pools"});
        KNOWN.put("base", new String[] {"4", "ms of sleep in one request at speed factor 1"});
        KNOWN.put("speeds", new String[] {"1,2,4", "speed factors of pools a,b,c in the unequal scenario"});
        KNOWN.put("slowdown", new String[] {"10", "factor pool b turns slower by in the slow-window scenario (a,b,c at 1 otherwise)"});
        KNOWN.put("window", new String[] {"0.3-0.7", "the slow window, as fractions of the measured duration"});
        KNOWN.put("utilisation", new String[] {"0.72", "offered load over the smallest total capacity the scenario has (mixed: of its best static placement)"});
        KNOWN.put("strategies", new String[] {String.join(",", Contenders.ALL), "contenders (oracle = the bench's own)"});
        KNOWN.put("scenarios", new String[] {String.join(",", SCENARIOS), "which scenarios to run"});
        KNOWN.put("seed", new String[] {"20250716", "seed of the arrivals (round r, scenario s: seed + 7919 r + s; p2c: seed + r)"});
        KNOWN.put("cost-rounds", new String[] {"5", "measured rounds of the routing-cost loop"});
        KNOWN.put("cost-requests", new String[] {"200000", "routes per strategy per round of the routing-cost loop"});
        KNOWN.put("only", new String[] {"scenarios,cost", "which parts to run"});
        KNOWN.put("python", new String[] {"python3", "the Python interpreter"});
        KNOWN.put("runtime", new String[] {"", "folder holding pooler_worker; auto = core.impl's copy on the classpath"});
        KNOWN.put("verbose", new String[] {"false", "keep the pools' INFO log lines"});
    }

    static StrategyOptions parse(String[] args) {
        Map<String, String> v = OptionValues.read(KNOWN, args);
        String[] speedText = v.get("speeds").split(",");
        if (speedText.length != 3) {
            throw new IllegalArgumentException("speeds: three factors expected (pools a,b,c), was " + v.get("speeds"));
        }
        double[] speeds = new double[3];
        for (int i = 0; i < 3; i++) {
            speeds[i] = factor("speeds", speedText[i]);
        }
        String[] window = v.get("window").split("-");
        if (window.length != 2) {
            throw new IllegalArgumentException("window: expected from-to as fractions, e.g. 0.3-0.7, was " + v.get("window"));
        }
        double ws = fraction("window", window[0]);
        double we = fraction("window", window[1]);
        if (!(ws < we)) {
            throw new IllegalArgumentException("window: its start must come before its end, was " + v.get("window"));
        }
        double util = decimal("utilisation", v.get("utilisation"));
        if (!(util > 0 && util < 1)) {
            throw new IllegalArgumentException("utilisation: must be in (0, 1), was " + v.get("utilisation"));
        }
        List<String> strategies = new ArrayList<>(list(v.get("strategies")));
        for (String s : strategies) {
            if (!Contenders.ALL.contains(s)) {
                throw new IllegalArgumentException("strategies: unknown '" + s + "', expected some of " + Contenders.ALL);
            }
        }
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("strategies: name at least one");
        }
        Set<String> scenarios = checked("scenarios", list(v.get("scenarios")), SCENARIOS);
        Set<String> only = checked("only", list(v.get("only")), PARTS);
        return new StrategyOptions(positive(v, "rounds"), positive(v, "duration"), nonNegative(v, "warmup"),
                positive(v, "workers"), factor("base", v.get("base")), speeds, factor("slowdown", v.get("slowdown")),
                ws, we, util, List.copyOf(strategies), scenarios, number(v, "seed"), positive(v, "cost-rounds"),
                positive(v, "cost-requests"), only, v.get("python"),
                v.get("runtime").isBlank() ? null : Path.of(v.get("runtime")).toAbsolutePath(),
                Boolean.parseBoolean(v.get("verbose")));
    }

    static String help() {
        StringBuilder sb = new StringBuilder("Options (system property bench.<name>, or argument --<name>=<value>):\n");
        KNOWN.forEach((k, d) -> sb.append(String.format(Locale.ROOT, "  --%-14s %s (default %s)%n", k, d[1],
                d[0].isEmpty() ? "auto" : d[0])));
        return sb.toString();
    }

    String describe() {
        return String.format(Locale.ROOT, "rounds=%d duration=%d ms warmup=%d ms workers=%d/pool base=%s ms speeds=%s,%s,%s "
                        + "slowdown=%s window=%s-%s utilisation=%s seed=%d strategies=%s scenarios=%s only=%s",
                rounds, durationMs, warmupMs, workers, num(baseMs), num(speeds[0]), num(speeds[1]), num(speeds[2]),
                num(slowdown), num(windowStart), num(windowEnd), num(utilisation), seed, String.join(",", strategies),
                String.join(",", scenarios), String.join(",", only));
    }

    static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) : Double.toString(d);
    }

    private static List<String> list(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (!p.isEmpty() && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static Set<String> checked(String key, List<String> values, Iterable<String> allowed) {
        Set<String> out = new LinkedHashSet<>();
        List<String> known = new ArrayList<>();
        allowed.forEach(known::add);
        for (String v : values) {
            if (!known.contains(v)) {
                throw new IllegalArgumentException(key + ": unknown '" + v + "', expected some of " + known);
            }
        }
        for (String k : known) {
            if (values.contains(k)) {
                out.add(k); // in the canonical order
            }
        }
        return out;
    }

    private static double factor(String key, String raw) {
        double d = decimal(key, raw);
        if (!(d > 0 && d <= 1000)) {
            throw new IllegalArgumentException(key + ": must be a number in (0, 1000], was " + raw.trim());
        }
        return d;
    }

    private static double fraction(String key, String raw) {
        double d = decimal(key, raw);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(key + ": fractions must be in [0, 1], was " + raw.trim());
        }
        return d;
    }

    private static double decimal(String key, String raw) {
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: '" + raw.trim() + "'");
        }
    }
}
