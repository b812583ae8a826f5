package dev.pooler.bench.remote;

import static dev.pooler.bench.OptionValues.nonNegative;
import static dev.pooler.bench.OptionValues.positive;

import dev.pooler.bench.OptionValues;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@link RemoteBench}'s options: system property {@code bench.<name>}, overridden by {@code --<name>=<value>}. */
record RemoteOptions(int rounds, long durationMs, long sliceMs, long warmupMs, int workers, int inflight, int sleepMs,
                     String python, Path runtime, boolean verbose, Set<String> only) {

    static final Set<String> PARTS = Set.of("latency", "echo", "sleep");

    private static final Map<String, String[]> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("rounds", new String[] {"5", "measured rounds (after a warm-up); at least 3"});
        KNOWN.put("duration", new String[] {"2000", "ms each contender runs in one round of each benchmark"});
        KNOWN.put("slice", new String[] {"250", "ms of one slice; local and remote take turns slice by slice"});
        KNOWN.put("warmup", new String[] {"1000", "ms of unrecorded warm-up per contender and benchmark"});
        KNOWN.put("workers", new String[] {"4", "N: workers of the pool (latency uses it one request at a time)"});
        KNOWN.put("inflight", new String[] {"4", "K: requests kept in flight per worker in the throughput benchmarks"});
        KNOWN.put("sleep", new String[] {"10", "ms of the bench adapter's sleep in the second throughput benchmark"});
        KNOWN.put("python", new String[] {"python3", "the Python interpreter"});
        KNOWN.put("runtime", new String[] {"", "folder holding pooler_worker; auto = core.impl's copy on the classpath"});
        KNOWN.put("verbose", new String[] {"false", "keep the pool's and the remote path's INFO log lines"});
        KNOWN.put("only", new String[] {"latency,echo,sleep", "which benchmarks to run (echo, sleep: the throughput ones)"});
    }

    static RemoteOptions parse(String[] args) {
        Map<String, String> v = OptionValues.read(KNOWN, args);
        RemoteOptions o = new RemoteOptions(positive(v, "rounds"), positive(v, "duration"), positive(v, "slice"),
                nonNegative(v, "warmup"), positive(v, "workers"), positive(v, "inflight"), positive(v, "sleep"),
                v.get("python"), v.get("runtime").isBlank() ? null : Path.of(v.get("runtime")).toAbsolutePath(),
                Boolean.parseBoolean(v.get("verbose")), parts(v.get("only")));
        if (o.rounds < 3) {
            throw new IllegalArgumentException("rounds: at least 3 (a median and a range), was " + o.rounds);
        }
        if (o.sliceMs > o.durationMs) {
            throw new IllegalArgumentException("slice (" + o.sliceMs + " ms) must not exceed duration (" + o.durationMs + " ms)");
        }
        return o;
    }

    private static Set<String> parts(String list) {
        Set<String> out = new TreeSet<>();
        for (String part : list.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("only: unknown benchmark '" + p + "', expected some of " + PARTS);
            }
            out.add(p);
        }
        return out;
    }

    int slicesPerRound() {
        return (int) Math.max(1, durationMs / sliceMs);
    }

    static String help() {
        StringBuilder sb = new StringBuilder("Options (system property bench.<name>, or argument --<name>=<value>):\n");
        KNOWN.forEach((k, d) -> sb.append(String.format(Locale.ROOT, "  --%-10s %s (default %s)%n", k, d[1],
                d[0].isEmpty() ? "auto" : d[0])));
        return sb.toString();
    }

    String describe() {
        return String.format(Locale.ROOT, "rounds=%d duration=%d ms/contender/round slice=%d ms warmup=%d ms workers=%d "
                + "inflight=%d/worker sleep=%d ms only=%s", rounds, durationMs, sliceMs, warmupMs, workers, inflight, sleepMs,
                String.join(",", only));
    }
}
