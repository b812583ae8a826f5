package dev.pooler.bench;

import static dev.pooler.bench.OptionValues.nonNegative;
import static dev.pooler.bench.OptionValues.number;
import static dev.pooler.bench.OptionValues.positive;

import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.bench.OptionValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The harness's options. Each is read from the system property {@code bench.<name>} and may be
 * overridden by a program argument {@code --<name>=<value>}.
 */
record BenchOptions(int rounds, long durationMs, long sliceMs, long warmupMs, int workers, int inflight,
                    int pipeline, long spinMicros, int startupWorkers, String python, Path runtime, Set<String> only,
                    boolean verbose, LaunchMode launch) {

    static final Set<String> PARTS = Set.of("latency", "throughput", "startup", "alloc");

    /** name -> {default, meaning}; the order is the one --help prints. */
    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("rounds", new String[] {"5", "measured rounds of each benchmark (after a warm-up)"});
        KNOWN.put("duration", new String[] {"2000", "ms each contender runs in one round (latency, throughput)"});
        KNOWN.put("slice", new String[] {"250", "ms of one slice; contenders take turns slice by slice, rotating order"});
        KNOWN.put("warmup", new String[] {"1000", "ms of unrecorded warm-up per contender before the rounds"});
        KNOWN.put("workers", new String[] {"4", "N: workers for the saturated-throughput benchmark"});
        KNOWN.put("inflight", new String[] {"4", "K: requests kept in flight per worker on the pool"});
        KNOWN.put("pipeline", new String[] {"4", "requests pipelined per worker on the direct ceiling line"});
        KNOWN.put("spin", new String[] {"50", "µs the spin-then-join latency diagnostic polls before it blocks"});
        KNOWN.put("startup-workers", new String[] {"16", "workers of the large pool in the start-up benchmark"});
        KNOWN.put("python", new String[] {"python3", "the Python interpreter"});
        KNOWN.put("runtime", new String[] {"", "folder holding pooler_worker; auto = core.impl's copy on the classpath"});
        KNOWN.put("only", new String[] {"latency,throughput,startup,alloc", "which benchmarks to run"});
        KNOWN.put("verbose", new String[] {"false", "keep the pools' INFO log lines"});
        KNOWN.put("launch", new String[] {PoolConfig.DEFAULT_LAUNCH_MODE, "launch.mode of the latency, throughput and alloc pools"
                + " (start-up measures both)"});
    }

    static BenchOptions parse(String[] args) {
        Map<String, String> v = OptionValues.read(KNOWN, args);
        Set<String> only = new TreeSet<>();
        for (String part : v.get("only").split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("only: unknown benchmark '" + p + "', expected some of " + PARTS);
            }
            only.add(p);
        }
        BenchOptions o = new BenchOptions(positive(v, "rounds"), positive(v, "duration"), positive(v, "slice"),
                nonNegative(v, "warmup"), positive(v, "workers"), positive(v, "inflight"), positive(v, "pipeline"),
                nonNegative(v, "spin"),
                positive(v, "startup-workers"), v.get("python"),
                v.get("runtime").isBlank() ? null : Path.of(v.get("runtime")).toAbsolutePath(), only,
                Boolean.parseBoolean(v.get("verbose")), LaunchMode.parse("launch", v.get("launch")));
        if (o.sliceMs > o.durationMs) {
            throw new IllegalArgumentException("slice (" + o.sliceMs + " ms) must not exceed duration (" + o.durationMs + " ms)");
        }
        return o;
    }

    /** Slices per contender per round. */
    int slicesPerRound() {
        return (int) Math.max(1, durationMs / sliceMs);
    }

    static String help() {
        StringBuilder sb = new StringBuilder("Options (system property bench.<name>, or argument --<name>=<value>):\n");
        KNOWN.forEach((k, d) -> sb.append(String.format(Locale.ROOT, "  --%-16s %s (default %s)%n", k, d[1],
                d[0].isEmpty() ? "auto" : d[0])));
        return sb.toString();
    }

    String describe() {
        return String.format(Locale.ROOT, "rounds=%d duration=%d ms/contender/round slice=%d ms warmup=%d ms workers=%d "
                + "inflight=%d/worker pipeline=%d/worker spin=%d µs startup-workers=%d only=%s launch=%s", rounds, durationMs, sliceMs,
                warmupMs, workers, inflight, pipeline, spinMicros, startupWorkers, String.join(",", only),
                launch.name().toLowerCase(Locale.ROOT));
    }
}
