package dev.pooler.bench.benefits;

import static dev.pooler.bench.OptionValues.nonNegative;
import static dev.pooler.bench.OptionValues.positive;

import dev.pooler.bench.OptionValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@link BenefitsBench}: system property {@code bench.<name>}, overridden by an argument
 * {@code --<name>=<value>}. Percentages are whole numbers.
 */
record BenefitsOptions(int rounds, int peakRounds, Set<String> only, long phaseMs, int phases, int peakPhases, long warmupMs,
                       int serviceMs, double hot, double cold, double steady, double maxShared, long minimumLoanS,
                       long returnWindowS, int movesPerRound, long rebalanceIntervalMs, double load, long deadlineMs,
                       double peakLow, double peakHigh, int probes, boolean peakMlAlone, long maxLagMs, long seed, String python, Path runtime, boolean verbose) {

    static final String UTILIZATION = "utilization";
    static final String RESPONSE = "response";
    static final String PEAK = "peak";
    static final Set<String> PARTS = Set.of(UTILIZATION, RESPONSE, PEAK);

    /** name -> {default, meaning}; the order is the one --help prints. */
    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("rounds", new String[] {"3", "rounds of figures 1 and 2 (each round runs both sides once)"});
        KNOWN.put("peak-rounds", new String[] {"1", "rounds of figure 3 (each round is a whole search for both sides)"});
        KNOWN.put("only", new String[] {"utilization,response,peak", "which figures (1, 2, 3)"});
        KNOWN.put("phase", new String[] {"4000", "ms of one demand phase (the hot class alternates)"});
        KNOWN.put("phases", new String[] {"4", "phases per run of figures 1 and 2"});
        KNOWN.put("peak-phases", new String[] {"2", "phases per probe of figure 3"});
        KNOWN.put("warmup", new String[] {"1000", "ms of arrivals at phase 0's rates before the phases, sent but not counted"});
        KNOWN.put("service", new String[] {"50", "ms each request sleeps in its worker"});
        KNOWN.put("hot", new String[] {"130", "the hot class's arrival rate, % of its own pool's capacity (at load 100 %)"});
        KNOWN.put("cold", new String[] {"20", "the other alternating class's rate, % of its own pool's capacity"});
        KNOWN.put("steady", new String[] {"50", "the embedding class's rate, % of embedding_pool's capacity"});
        KNOWN.put("max-shared", new String[] {"30", "max_shared_percentage, % (the seed's 0.3)"});
        KNOWN.put("minimum-loan", new String[] {"2", "s, minimum_loan (anti-flapping, compressed like the phases)"});
        KNOWN.put("return-window", new String[] {"3", "s, return_window (anti-flapping, compressed like the phases)"});
        KNOWN.put("moves-per-round", new String[] {"4", "max_moves_per_round"});
        KNOWN.put("rebalance-interval", new String[] {"30000", "ms, rebalance_interval (the seed's and the product's 30 s)"});
        KNOWN.put("load", new String[] {"60", "figure 2's load, % of figure 1's"});
        KNOWN.put("deadline", new String[] {"500", "ms, figure 3: a load is handled when the p99 latency stays within this"});
        KNOWN.put("peak-range", new String[] {"25-125", "figure 3 searches loads in this range, % of figure 1's"});
        KNOWN.put("probes", new String[] {"5", "figure 3: probes per side per round (bisection)"});
        KNOWN.put("peak-ml-alone", new String[] {"false", "figure 3: also search ml_optimized without sharing (what sharing adds)"});
        KNOWN.put("max-lag", new String[] {"50", "ms; a run whose arrivals went out later than this at p99 (the machine stalled the "
                + "sender) did not deliver its workload and is run again, at most twice"});
        KNOWN.put("seed", new String[] {"20250716", "seed of the arrivals"});
        KNOWN.put("python", new String[] {"python3", "the Python interpreter"});
        KNOWN.put("runtime", new String[] {"", "folder holding pooler_worker; auto = core.impl's copy on the classpath"});
        KNOWN.put("verbose", new String[] {"false", "keep the pools' INFO log lines"});
    }

    static BenefitsOptions parse(String[] args) {
        Map<String, String> v = OptionValues.read(KNOWN, args);
        Set<String> only = new LinkedHashSet<>();
        for (String part : v.get("only").split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("only: unknown figure '" + p + "', expected some of " + PARTS);
            }
            only.add(p);
        }
        String[] range = v.get("peak-range").split("-");
        double low;
        double high;
        try {
            low = Double.parseDouble(range[0].trim()) / 100;
            high = Double.parseDouble(range[range.length - 1].trim()) / 100;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peak-range: expected low-high in %, e.g. 25-125, was '" + v.get("peak-range") + "'");
        }
        if (range.length != 2 || !(low > 0) || !(high > low)) {
            throw new IllegalArgumentException("peak-range: expected low-high in %, 0 < low < high, was '" + v.get("peak-range") + "'");
        }
        long maxShared = nonNegative(v, "max-shared");
        if (maxShared > 100) {
            throw new IllegalArgumentException("max-shared: at most 100 (%), was " + maxShared);
        }
        return new BenefitsOptions(positive(v, "rounds"), positive(v, "peak-rounds"), only, positive(v, "phase"),
                positive(v, "phases"), positive(v, "peak-phases"), nonNegative(v, "warmup"), positive(v, "service"),
                positive(v, "hot") / 100.0, nonNegative(v, "cold") / 100.0, nonNegative(v, "steady") / 100.0,
                maxShared / 100.0, nonNegative(v, "minimum-loan"), nonNegative(v, "return-window"),
                positive(v, "moves-per-round"), nonNegative(v, "rebalance-interval"), positive(v, "load") / 100.0,
                positive(v, "deadline"), low, high, positive(v, "probes"), Boolean.parseBoolean(v.get("peak-ml-alone")),
                positive(v, "max-lag"),
                OptionValues.number(v, "seed"), v.get("python"),
                v.get("runtime").isBlank() ? null : Path.of(v.get("runtime")).toAbsolutePath(),
                Boolean.parseBoolean(v.get("verbose")));
    }

    static String help() {
        StringBuilder sb = new StringBuilder("Options (system property bench.<name>, or argument --<name>=<value>):\n");
        KNOWN.forEach((k, d) -> sb.append(String.format(Locale.ROOT, "  --%-20s %s (default %s)%n", k, d[1],
                d[0].isEmpty() ? "auto" : d[0])));
        return sb.toString();
    }

    ShiftingDemand demand() {
        return new ShiftingDemand(serviceMs, hot, cold, steady);
    }

    SharingWindows windows() {
        return new SharingWindows(maxShared, minimumLoanS, returnWindowS, movesPerRound);
    }

    String describe() {
        return String.format(Locale.ROOT, "rounds=%d peak-rounds=%d only=%s phase=%d ms phases=%d peak-phases=%d warmup=%d ms "
                        + "load=%.0f%% deadline=%d ms peak-range=%.0f-%.0f%% probes=%d seed=%d rebalance-interval=%d ms",
                rounds, peakRounds, String.join(",", only), phaseMs, phases, peakPhases, warmupMs, load * 100, deadlineMs,
                peakLow * 100, peakHigh * 100, probes, seed, rebalanceIntervalMs);
    }
}
