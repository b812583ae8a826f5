package dev.pooler.bench.remote;

import dev.pooler.api.Pool;
import dev.pooler.api.Response;
import dev.pooler.bench.CpuClock;
import dev.pooler.bench.Figure;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

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
        Chains[] loads = {new Chains(c.local(), work, chains), new Chains(c.remote(), work, chains)};
        for (long t = 0; t < options.warmupMs() * 1_000_000L; t += slice) {
            for (Chains l : loads) {
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

    /** {@code chains} request chains through one pool (a local one or a remote one). */
    private static final class Chains {
        private final Pool pool;
        private final Contenders.Work work;
        private final int chains;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        private final LongAdder counted = new LongAdder();
        private final Object drained = new Object();
        private volatile long deadline;

        Chains(Pool pool, Contenders.Work work, int chains) {
            this.pool = pool;
            this.work = work;
            this.chains = chains;
        }

        long runUntil(long deadlineNanos) throws InterruptedException {
            counted.reset();
            deadline = deadlineNanos;
            for (int i = 0; i < chains; i++) {
                issue();
            }
            synchronized (drained) {
                while (inFlight.get() > 0) {
                    drained.wait(100);
                }
            }
            Throwable e = error.get();
            if (e != null) {
                throw new IllegalStateException(pool.id() + " failed a request: " + e, e);
            }
            return counted.sum();
        }

        private void issue() {
            inFlight.incrementAndGet();
            pool.execute(work.request()).whenComplete(this::done);
        }

        private void done(Response r, Throwable e) {
            long now = System.nanoTime();
            if (e == null) {
                try {
                    work.check().accept(r);
                } catch (IllegalStateException wrong) {
                    e = wrong;
                }
            }
            if (e != null) {
                error.compareAndSet(null, e);
            } else {
                if (now <= deadline) {
                    counted.increment();
                }
                if (now < deadline) {
                    issue(); // before this one leaves, so the in-flight count never touches 0 early
                }
            }
            if (inFlight.decrementAndGet() == 0) {
                synchronized (drained) {
                    drained.notifyAll();
                }
            }
        }
    }
}
