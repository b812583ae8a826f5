package dev.pooler.bench.benefits;

import dev.pooler.api.PoolStats;
import dev.pooler.api.Response;
import dev.pooler.bench.Samples;
import dev.pooler.core.impl.pool.PythonPool;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of a {@link ShiftingDemand.Schedule}: the arrivals are sent open-loop from one thread, each at
 * its scheduled time whatever the answers do; a request's latency runs from its scheduled arrival to the
 * moment its answer reaches the caller (so a late send counts against the run). Meanwhile a sampler reads
 * the pools' numbers every {@value #SAMPLE_MS} ms: the utilization figure is busy workers over all workers,
 * summed over the samples in which some request waits in some queue. The run ends when every answer is in.
 */
final class ShiftRun {

    static final long SAMPLE_MS = 20;
    static final long DRAIN_LIMIT_MINUTES = 5;

    /** How a request of a demand class is sent: straight to a pool, or through the router. */
    @FunctionalInterface
    interface Sender {
        CompletionStage<Response> send(int demandClass);
    }

    /**
     * What one run measured, over the arrivals after the warm-up (the sampler from the warm-up's end until
     * the last answer).
     *
     * @param utilization  busy worker-samples / worker-samples, over the samples in which work waited
     * @param waitingShare share of the samples in which work waited
     * @param meanLent     workers on loan, mean over the samples in which work waited
     */
    record Result(int measured, int failed, String firstError, Samples latency, double utilization, double waitingShare,
                  double meanLent, Samples lagNanos) {

        double meanMs() {
            return latency.mean() / 1e6;
        }

        double p99Ms() {
            return latency.percentile(99) / 1e6;
        }
    }

    private ShiftRun() {
    }

    static Result run(List<PythonPool> pools, Sender sender, ShiftingDemand.Schedule s) throws InterruptedException {
        int n = s.size();
        long[] latency = new long[n];
        boolean[] ok = new boolean[n];
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Samples lag = new Samples();
        long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        Sampler sampler = new Sampler(pools, origin + s.measuredFrom());
        Thread samplerThread = new Thread(sampler, "benefits-sampler");
        samplerThread.setDaemon(true);
        samplerThread.start();
        try {
            for (int i = 0; i < n; i++) {
                long due = origin + s.times()[i];
                waitUntil(due);
                if (s.times()[i] >= s.measuredFrom()) {
                    lag.add(System.nanoTime() - due);
                }
                int idx = i;
                sender.send(s.classes()[i]).whenComplete((r, e) -> {
                    latency[idx] = System.nanoTime() - due;
                    ok[idx] = e == null && r != null;
                    if (!ok[idx]) {
                        firstError.compareAndSet(null, e == null ? new IllegalStateException("no answer") : e);
                    }
                    done.countDown();
                });
            }
            if (!done.await(DRAIN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                throw new IllegalStateException(done.getCount() + " requests still unanswered after " + DRAIN_LIMIT_MINUTES
                        + " minutes");
            }
        } finally {
            samplerThread.interrupt();
            samplerThread.join();
        }
        // done.await() happens-after every countDown(): the arrays are complete
        Samples all = new Samples();
        int measured = 0;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            if (s.times()[i] < s.measuredFrom()) {
                continue;
            }
            measured++;
            if (ok[i]) {
                all.add(latency[i]);
            } else {
                failed++;
            }
        }
        Throwable e = firstError.get();
        return new Result(measured, failed, e == null ? null : String.valueOf(e.getMessage()), all, sampler.utilization(),
                sampler.waitingShare(), sampler.meanLent(), lag);
    }

    private static void waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Reads every pool's numbers every {@value #SAMPLE_MS} ms from {@code from} on, until interrupted. */
    private static final class Sampler implements Runnable {
        private final List<PythonPool> pools;
        private final long from;
        private long samples;
        private long waiting;
        private long busy;
        private long workers;
        private long lent;

        Sampler(List<PythonPool> pools, long from) {
            this.pools = pools;
            this.from = from;
        }

        @Override
        public void run() {
            long next = from;
            while (!Thread.currentThread().isInterrupted()) {
                for (long left = next - System.nanoTime(); left > 0 && !Thread.currentThread().isInterrupted();
                     left = next - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                }
                next += TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS);
                int q = 0;
                int b = 0;
                int w = 0;
                int l = 0;
                for (PythonPool p : pools) {
                    PoolStats st = p.stats();
                    q += st.queued();
                    b += st.busy();
                    w += st.workers();
                    l += st.lent();
                }
                synchronized (this) {
                    samples++;
                    if (q > 0) {
                        waiting++;
                        busy += b;
                        workers += w;
                        lent += l;
                    }
                }
            }
        }

        synchronized double utilization() {
            return workers == 0 ? 0 : (double) busy / workers;
        }

        synchronized double waitingShare() {
            return samples == 0 ? 0 : (double) waiting / samples;
        }

        synchronized double meanLent() {
            return waiting == 0 ? 0 : (double) lent / waiting;
        }
    }
}
