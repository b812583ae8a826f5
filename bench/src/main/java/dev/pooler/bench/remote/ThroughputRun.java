package dev.pooler.bench.remote;

import dev.pooler.bench.CpuClock;
import dev.pooler.bench.Figure;
import dev.pooler.bench.RequestChains;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Saturated throughput: the pool kept full with K requests in flight per worker, each chain sending its next request
 * from the previous one's completion, through each contender in turn, slice by slice. A slice counts the answers that
 * arrive before its end; nothing is sent after it, and what is in flight drains before the other contender starts.
 */
final class ThroughputRun {

    final Figure local = new Figure();
    final Figure remote = new Figure();
    final Figure ratio = new Figure();
    final Figure localCpuMicros = new Figure();
    final Figure remoteCpuMicros = new Figure();

    private final RemoteOptions options;
    private final PrintStream out;

    ThroughputRun(RemoteOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    void run(Contenders c, Contenders.Work work) throws InterruptedException {
        int chains = options.inflight() * options.workers();
        out.printf(Locale.ROOT, "%n[throughput] %s on %d workers, %d in flight; local and remote take turns in %d ms slices%n",
                work.name(), options.workers(), chains, options.sliceMs());
        long slice = options.sliceMs() * 1_000_000L;
        RequestChains[] loads = {new RequestChains(c.local(), work.request(), work.check(), chains),
                new RequestChains(c.remote(), work.request(), work.check(), chains)};
        for (long t = 0; t < options.warmupMs() * 1_000_000L; t += slice) {
            for (RequestChains l : loads) {
                l.runUntil(System.nanoTime() + slice);
            }
        }
        for (int r = 0; r < options.rounds(); r++) {
            long[] count = new long[2];
            long[] cpu = new long[2];
            for (int i = 0; i < options.slicesPerRound(); i++) {
                for (int k = 0; k < 2; k++) {
                    int who = (r + i + k) % 2;
                    long cpu0 = CpuClock.jvmNanos();
                    count[who] += loads[who].runUntil(System.nanoTime() + slice);
                    cpu[who] += CpuClock.jvmNanos() - cpu0;
                }
            }
            double seconds = options.slicesPerRound() * options.sliceMs() / 1000.0;
            double l = count[0] / seconds;
            double rr = count[1] / seconds;
            local.add(l);
            remote.add(rr);
            ratio.add(rr / l);
            localCpuMicros.add(cpu[0] / 1e3 / Math.max(1, count[0]));
            remoteCpuMicros.add(cpu[1] / 1e3 / Math.max(1, count[1]));
            out.printf(Locale.ROOT, "  round %d: local %7.0f/s | remote %7.0f/s | remote/local %.2f%n", r + 1, l, rr, rr / l);
        }
        out.printf(Locale.ROOT, "  %-30s %-28s %s%n", "median [min–max]", "local", "remote");
        out.printf(Locale.ROOT, "  %-30s %-28s %s%n", "throughput (req/s)", local.format("%.0f"), remote.format("%.0f"));
        out.printf(Locale.ROOT, "  %-30s %-28s %s%n", "JVM CPU per request (µs)", localCpuMicros.format("%.1f"),
                remoteCpuMicros.format("%.1f"));
        out.printf(Locale.ROOT, "  remote / local %s%n", ratio.format("%.2f"));
    }
}
