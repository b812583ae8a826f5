package dev.pooler.bench;

import dev.pooler.api.Response;
import dev.pooler.core.impl.pool.PythonPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 1: one {@code echo} at a time to one worker, through the direct client and through
 * {@code Pool.execute} on a pool of one whose caller blocks on the answer ({@code join}), as the
 * direct client's thread does. The contenders take turns in short slices (rotating order) so that
 * all see the same machine noise.
 *
 * <p>Two more contenders are diagnostics of where the pool's extra time goes. "async chain": the same
 * pool, each request sent from the previous one's completion on the worker's reader thread; it has
 * the pool's whole path except the hand-off of the answer to a parked caller thread. "spin, then
 * join": the caller polls {@code isDone()} for a bounded time before it blocks, as a pool future
 * could do inside {@code join()}; it shows what avoiding the park/unpark would buy.
 */
final class LatencyBench {

    final Contender direct = new Contender("direct");
    final Contender pool = new Contender("pool (join)");
    final Contender async = new Contender("pool (async chain)");
    final Contender spin = new Contender("pool (spin, then join)");
    final Figure p50Ratio = new Figure();
    final Figure p99Ratio = new Figure();
    final Figure rateRatio = new Figure();
    final Figure asyncP50Ratio = new Figure();
    final Figure asyncP99Ratio = new Figure();
    final Figure spinP50Ratio = new Figure();
    final Figure spinP99Ratio = new Figure();
    // Where a pool request's time goes (means over the join contender, µs).
    final Figure poolAssigned = new Figure();
    final Figure poolService = new Figure();
    final Figure poolHandOff = new Figure();

    private final BenchSetup setup;
    private final PrintStream out;

    LatencyBench(BenchSetup setup, PrintStream out) {
        this.setup = setup;
        this.out = out;
    }

    void run() throws Exception {
        BenchOptions o = setup.options;
        out.printf(Locale.ROOT, "%n[latency] echo, one request at a time: direct client vs pool of 1 (rotating %d ms slices)%n",
                o.sliceMs());
        try (DirectWorker worker = setup.launchDirect("direct-latency")) {
            worker.awaitReady();
            PythonPool thePool = setup.startPool("bench-latency", 1);
            try {
                Slice[] slices = {
                    (end, s) -> directSlice(worker, end, s),
                    (end, s) -> joinSlice(thePool, end, s),
                    (end, s) -> asyncSlice(thePool, end, s),
                    (end, s) -> spinSlice(thePool, end, s, o.spinMicros() * 1_000L),
                };
                Contender[] contenders = {direct, pool, async, spin};
                List<List<Long>> pids = List.of(List.of(worker.pid()), thePool.pids(), thePool.pids(), thePool.pids());
                long slice = o.sliceMs() * 1_000_000L;
                for (long t = 0; t < o.warmupMs() * 1_000_000L; t += slice) {
                    for (int k = 0; k < slices.length; k++) {
                        runSlice(slices[k], new Round(pids.get(k)), slice);
                    }
                }
                for (int r = 0; r < o.rounds(); r++) {
                    Round[] rounds = new Round[slices.length];
                    for (int k = 0; k < slices.length; k++) {
                        rounds[k] = new Round(pids.get(k));
                    }
                    for (int i = 0; i < o.slicesPerRound(); i++) {
                        for (int k = 0; k < slices.length; k++) {
                            int c = (r + i + k) % slices.length;
                            runSlice(slices[c], rounds[c], slice);
                        }
                    }
                    for (int k = 0; k < contenders.length; k++) {
                        contenders[k].record(rounds[k]);
                    }
                    record(r, rounds);
                }
            } finally {
                thePool.stop(Duration.ofSeconds(5));
            }
        }
        String row = "  %-28s %-22s %-22s %-22s %-22s %s%n";
        out.printf(Locale.ROOT, row, "median [min–max]", direct.name, pool.name, async.name, spin.name, "pool (join) / direct");
        out.printf(Locale.ROOT, row, "p50 (µs)", direct.p50.format("%.1f"), pool.p50.format("%.1f"), async.p50.format("%.1f"),
                spin.p50.format("%.1f"), p50Ratio.format("%.2f"));
        out.printf(Locale.ROOT, row, "p99 (µs)", direct.p99.format("%.1f"), pool.p99.format("%.1f"), async.p99.format("%.1f"),
                spin.p99.format("%.1f"), p99Ratio.format("%.2f"));
        out.printf(Locale.ROOT, row, "throughput (req/s)", direct.rate.format("%.0f"), pool.rate.format("%.0f"), async.rate.format("%.0f"),
                spin.rate.format("%.0f"), rateRatio.format("%.2f"));
        out.printf(Locale.ROOT, row, "mean (µs)", direct.mean.format("%.1f"), pool.mean.format("%.1f"), async.mean.format("%.1f"),
                spin.mean.format("%.1f"), "");
        out.printf(Locale.ROOT, row, "Java CPU per request (µs)", direct.javaCpu.format("%.1f"), pool.javaCpu.format("%.1f"),
                async.javaCpu.format("%.1f"), spin.javaCpu.format("%.1f"), "");
        out.printf(Locale.ROOT, row, "Python CPU per request (µs)", direct.pythonCpu.format("%.1f"), pool.pythonCpu.format("%.1f"),
                async.pythonCpu.format("%.1f"), spin.pythonCpu.format("%.1f"), "");
        out.printf(Locale.ROOT, "  pool (join), mean µs per request: accepted→assigned %s | assigned→reply parsed %s"
                        + " (serialise, write, Python, read, parse) | reply parsed→caller awake %s%n",
                poolAssigned.format("%.1f"), poolService.format("%.1f"), poolHandOff.format("%.1f"));
    }

    private void record(int round, Round[] r) {
        Round d = r[0];
        Round p = r[1];
        Round a = r[2];
        Round s = r[3];
        double dp50 = d.samples.percentile(50) / 1e3;
        double dp99 = d.samples.percentile(99) / 1e3;
        double pp50 = p.samples.percentile(50) / 1e3;
        double pp99 = p.samples.percentile(99) / 1e3;
        double ap50 = a.samples.percentile(50) / 1e3;
        double ap99 = a.samples.percentile(99) / 1e3;
        double sp50 = s.samples.percentile(50) / 1e3;
        double sp99 = s.samples.percentile(99) / 1e3;
        p50Ratio.add(pp50 / dp50);
        p99Ratio.add(pp99 / dp99);
        rateRatio.add(p.rate() / d.rate());
        asyncP50Ratio.add(ap50 / dp50);
        asyncP99Ratio.add(ap99 / dp99);
        spinP50Ratio.add(sp50 / dp50);
        spinP99Ratio.add(sp99 / dp99);
        int n = p.samples.size();
        poolAssigned.add(p.assignedNanos / 1e3 / n);
        poolService.add(p.serviceNanos / 1e3 / n);
        poolHandOff.add((p.samples.mean() * n - p.assignedNanos - p.serviceNanos) / 1e3 / n);
        out.printf(Locale.ROOT, "  round %d: p50/p99 µs: direct %5.1f/%6.1f | pool %5.1f/%6.1f | async %5.1f/%6.1f | spin %5.1f/%6.1f"
                        + " | pool/direct p50 %.2f p99 %.2f%n",
                round + 1, dp50, dp99, pp50, pp99, ap50, ap99, sp50, sp99, pp50 / dp50, pp99 / dp99);
    }

    private static void runSlice(Slice slice, Round round, long sliceNanos) throws Exception {
        long java0 = CpuClock.jvmNanos();
        long python0 = CpuClock.processNanos(round.pids);
        long start = System.nanoTime();
        long last = slice.run(start + sliceNanos, round);
        round.activeNanos += last - start;
        round.javaCpuNanos += CpuClock.jvmNanos() - java0;
        round.pythonCpuNanos += CpuClock.processNanos(round.pids) - python0;
    }

    /** Round trips until the deadline; returns when the last one ended. */
    private static long directSlice(DirectWorker w, long end, Round round) throws Exception {
        long t0 = System.nanoTime();
        while (t0 < end) {
            w.roundTrip();
            long t1 = System.nanoTime();
            round.samples.add(t1 - t0);
            t0 = t1;
        }
        return t0;
    }

    private static long joinSlice(PythonPool pool, long end, Round round) {
        long t0 = System.nanoTime();
        while (t0 < end) {
            Response r = pool.execute(BenchSetup.ECHO).toCompletableFuture().join();
            long t1 = System.nanoTime();
            BenchSetup.checkEcho(r);
            round.samples.add(t1 - t0);
            round.assignedNanos += r.queuedNanos();
            round.serviceNanos += r.serviceNanos();
            t0 = t1;
        }
        return t0;
    }

    /** Like {@link #joinSlice}, but polls for the answer up to {@code spinNanos} before blocking. */
    private static long spinSlice(PythonPool pool, long end, Round round, long spinNanos) {
        long t0 = System.nanoTime();
        while (t0 < end) {
            CompletableFuture<Response> f = pool.execute(BenchSetup.ECHO).toCompletableFuture();
            long giveUp = t0 + spinNanos;
            while (!f.isDone() && System.nanoTime() < giveUp) {
                Thread.onSpinWait();
            }
            Response r = f.join();
            long t1 = System.nanoTime();
            BenchSetup.checkEcho(r);
            round.samples.add(t1 - t0);
            t0 = t1;
        }
        return t0;
    }

    private static long asyncSlice(PythonPool pool, long end, Round round) throws InterruptedException {
        AsyncChain chain = new AsyncChain(pool, end, round.samples);
        return chain.runToEnd();
    }

    /** One request at a time, each sent by the previous one's completion callback. */
    private static final class AsyncChain {
        private final PythonPool pool;
        private final long end;
        private final Samples samples;
        private final CountDownLatch finished = new CountDownLatch(1);
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        // Written by one callback at a time, each ordered after the previous by the pool's lock; read after the latch.
        private long sentAt;
        private long last;

        AsyncChain(PythonPool pool, long end, Samples samples) {
            this.pool = pool;
            this.end = end;
            this.samples = samples;
        }

        long runToEnd() throws InterruptedException {
            send(System.nanoTime());
            finished.await();
            if (error.get() != null) {
                throw new IllegalStateException("the pool failed a request: " + error.get(), error.get());
            }
            return last;
        }

        private void send(long now) {
            sentAt = now;
            pool.execute(BenchSetup.ECHO).whenComplete(this::done);
        }

        private void done(Response r, Throwable e) {
            long now = System.nanoTime();
            try {
                if (e != null) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
                BenchSetup.checkEcho(r);
                samples.add(now - sentAt);
            } catch (RuntimeException failure) {
                error.set(failure);
                last = now;
                finished.countDown();
                return;
            }
            if (now < end) {
                send(now);
            } else {
                last = now;
                finished.countDown();
            }
        }
    }

    @FunctionalInterface
    private interface Slice {
        /** Sends one request at a time until {@code end}; returns when the last answer arrived. */
        long run(long end, Round round) throws Exception;
    }

    /** One contender's accumulators during one round. */
    private static final class Round {
        final Samples samples = new Samples();
        final List<Long> pids;
        long activeNanos;
        long assignedNanos;
        long serviceNanos;
        long javaCpuNanos;
        long pythonCpuNanos;

        Round(List<Long> pids) {
            this.pids = pids;
        }

        double rate() {
            return samples.size() / (activeNanos / 1e9);
        }
    }

    /** One contender's figures, one value per round. */
    static final class Contender {
        final String name;
        final Figure p50 = new Figure();
        final Figure p99 = new Figure();
        final Figure rate = new Figure();
        final Figure mean = new Figure();
        final Figure javaCpu = new Figure();
        final Figure pythonCpu = new Figure();

        Contender(String name) {
            this.name = name;
        }

        void record(Round r) {
            int n = r.samples.size();
            p50.add(r.samples.percentile(50) / 1e3);
            p99.add(r.samples.percentile(99) / 1e3);
            rate.add(r.rate());
            mean.add(r.samples.mean() / 1e3);
            javaCpu.add(r.javaCpuNanos / 1e3 / n);
            pythonCpu.add(r.pythonCpuNanos / 1e3 / n);
        }
    }
}
