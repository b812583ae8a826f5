package dev.pooler.bench.remote;

import dev.pooler.bench.Figure;
import dev.pooler.bench.Samples;
import java.io.PrintStream;
import java.util.Locale;

/**
 * One request at a time: each contender sends a request, waits for its answer ({@code join}) and sends the next, for
 * a slice; the two take turns slice by slice in rotating order. Per round: p50 and p99 of each, and the remote
 * path's overhead per request, remote − local, at p50 and at p99.
 */
final class LatencyRun {

    final Figure localP50 = new Figure();
    final Figure remoteP50 = new Figure();
    final Figure localP99 = new Figure();
    final Figure remoteP99 = new Figure();
    final Figure overheadP50Ms = new Figure();
    final Figure overheadP99Ms = new Figure();

    private final RemoteOptions options;
    private final PrintStream out;

    LatencyRun(RemoteOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    void run(Contenders c, Contenders.Work work) {
        out.printf(Locale.ROOT, "%n[latency] %s, one request at a time; local and remote take turns in %d ms slices%n",
                work.name(), options.sliceMs());
        long slice = options.sliceMs() * 1_000_000L;
        Samples discard = new Samples();
        for (long t = 0; t < options.warmupMs() * 1_000_000L; t += slice) {
            for (int k = 0; k < 2; k++) {
                drive(c, k, work, slice, discard);
                discard = new Samples();
            }
        }
        for (int r = 0; r < options.rounds(); r++) {
            Samples[] s = {new Samples(), new Samples()};
            for (int i = 0; i < options.slicesPerRound(); i++) {
                for (int k = 0; k < 2; k++) {
                    int who = (r + i + k) % 2;
                    drive(c, who, work, slice, s[who]);
                }
            }
            double l50 = ms(s[0].percentile(50));
            double r50 = ms(s[1].percentile(50));
            double l99 = ms(s[0].percentile(99));
            double r99 = ms(s[1].percentile(99));
            localP50.add(l50);
            remoteP50.add(r50);
            localP99.add(l99);
            remoteP99.add(r99);
            overheadP50Ms.add(r50 - l50);
            overheadP99Ms.add(r99 - l99);
            out.printf(Locale.ROOT, "  round %d: local p50 %.3f p99 %.3f ms (%d requests) | remote p50 %.3f p99 %.3f ms (%d)"
                    + " | overhead p50 %+.3f p99 %+.3f ms%n", r + 1, l50, l99, s[0].size(), r50, r99, s[1].size(),
                    r50 - l50, r99 - l99);
        }
        out.printf(Locale.ROOT, "  %-26s %-28s %s%n", "median [min–max], ms", "local", "remote");
        out.printf(Locale.ROOT, "  %-26s %-28s %s%n", "p50", localP50.format("%.3f"), remoteP50.format("%.3f"));
        out.printf(Locale.ROOT, "  %-26s %-28s %s%n", "p99", localP99.format("%.3f"), remoteP99.format("%.3f"));
        out.printf(Locale.ROOT, "  overhead per request, remote − local: p50 %s ms, p99 %s ms%n",
                overheadP50Ms.format("%.3f"), overheadP99Ms.format("%.3f"));
    }

    private static void drive(Contenders c, int who, Contenders.Work work, long sliceNanos, Samples into) {
        long deadline = System.nanoTime() + sliceNanos;
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            var answer = c.get(who).execute(work.request()).toCompletableFuture().join();
            into.add(System.nanoTime() - t0);
            work.check().accept(answer);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
