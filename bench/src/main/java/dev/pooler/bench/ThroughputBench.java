package dev.pooler.bench;

import dev.pooler.core.impl.pool.PythonPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark 2: saturated throughput of N workers. Three contenders take turns in slices (rotating
 * order): N direct workers with one request in flight each (the fair baseline: a pool runs one request
 * per worker at a time); a pool of N kept full with K requests in flight per worker through async
 * completions; N direct workers with requests pipelined (the ceiling); and, beside them, pools of N with
 * {@code pipeline.depth} 2, 3 and 4 ({@link #DEPTHS}), kept full with 2·depth request chains per worker so that every
 * worker's pipe is full and the next requests wait in the queue (goal: ≥ 0.85 × the direct pipelined ceiling), and,
 * as a like-for-like diagnostic, the direct workers pipelined as deep as each of those pools.
 *
 * <p>A slice counts the answers that arrive between its start and its end; no request is sent after
 * the end, and the ones still in flight are drained before the next contender starts.
 */
final class ThroughputBench {

    final Figure direct = new Figure();
    final Figure pool = new Figure();
    final Figure pipelined = new Figure();
    final Figure poolRatio = new Figure();
    final Figure ceilingRatio = new Figure();
    final Figure directJavaCpu = new Figure();
    final Figure poolJavaCpu = new Figure();
    final Figure pipelinedJavaCpu = new Figure();
    final Figure directPythonCpu = new Figure();
    final Figure poolPythonCpu = new Figure();
    final Figure pipelinedPythonCpu = new Figure();
    /** The {@code pipeline.depth} values measured, each a pool of N of its own. */
    static final int[] DEPTHS = {2, 3, 4};
    static final double DEPTH_GOAL = 0.85;
    /** Per depth (index as in {@link #DEPTHS}): requests/s, and its ratio to direct pipelined in the same round. */
    final Figure[] depthRate = {new Figure(), new Figure(), new Figure()};
    final Figure[] depthRatio = {new Figure(), new Figure(), new Figure()};
    final Figure[] depthJavaCpu = {new Figure(), new Figure(), new Figure()};
    final Figure[] depthPythonCpu = {new Figure(), new Figure(), new Figure()};
    /** The direct workers pipelined as deep as each depth: Python CPU per request, to set beside the pool's. */
    final Figure[] likePythonCpu = {new Figure(), new Figure(), new Figure()};
    /** Diagnostic, like for like: the pool at depth d over the direct workers pipelined d deep, in the same round. */
    final Figure[] depthLikeRatio = {new Figure(), new Figure(), new Figure()};

    private final BenchSetup setup;
    private final PrintStream out;

    ThroughputBench(BenchSetup setup, PrintStream out) {
        this.setup = setup;
        this.out = out;
    }

    void run() throws Exception {
        BenchOptions o = setup.options;
        int n = o.workers();
        out.printf(Locale.ROOT, "%n[throughput] echo on %d workers: direct (1 in flight/worker) vs pool (%d in flight/worker)"
                + " vs direct pipelined (%d/worker, ceiling); rotating %d ms slices%n", n, o.inflight(), o.pipeline(), o.sliceMs());
        List<DirectWorker> workers = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "bench-direct");
            t.setDaemon(true);
            return t;
        });
        PythonPool thePool = null;
        List<PythonPool> depthPools = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                workers.add(setup.launchDirect("direct-" + (i + 1)));
            }
            for (DirectWorker w : workers) {
                w.awaitReady();
            }
            thePool = setup.startPool("bench-throughput", n);
            for (int d : DEPTHS) {
                depthPools.add(setup.startPool("bench-throughput-depth" + d, n, o.launch(), d));
            }
            List<Long> directPids = workers.stream().map(DirectWorker::pid).toList();
            Contender[] contenders = new Contender[3 + 2 * DEPTHS.length];
            contenders[0] = new Contender(new DirectLoad(workers, threads, 1), directPids);
            contenders[1] = new Contender(new PoolLoad(thePool, o.inflight() * n), thePool.pids());
            contenders[2] = new Contender(new DirectLoad(workers, threads, o.pipeline()), directPids);
            for (int i = 0; i < DEPTHS.length; i++) {
                PythonPool dp = depthPools.get(i);
                contenders[3 + i] = new Contender(new PoolLoad(dp, 2 * DEPTHS[i] * n), dp.pids());
                // the direct workers pipelined as deep (the ceiling line itself when its depth is the same)
                contenders[3 + DEPTHS.length + i] = DEPTHS[i] == o.pipeline() ? contenders[2]
                        : new Contender(new DirectLoad(workers, threads, DEPTHS[i]), directPids);
            }
            long slice = o.sliceMs() * 1_000_000L;
            for (long t = 0; t < o.warmupMs() * 1_000_000L; t += slice) {
                for (Contender c : distinct(contenders)) {
                    c.slice(slice);
                }
            }
            for (int r = 0; r < o.rounds(); r++) {
                for (Contender c : distinct(contenders)) {
                    c.reset();
                }
                List<Contender> distinct = distinct(contenders);
                for (int i = 0; i < o.slicesPerRound(); i++) {
                    for (int k = 0; k < distinct.size(); k++) {
                        distinct.get((r + i + k) % distinct.size()).slice(slice);
                    }
                }
                record(r, contenders[0], contenders[1], contenders[2]);
                recordDepths(r, contenders);
                for (PythonPool dp : depthPools) {
                    if (dp.duplicateAnswers() != 0) {
                        throw new IllegalStateException(dp.id() + " answered a request twice");
                    }
                }
            }
        } finally {
            if (thePool != null) {
                thePool.stop(Duration.ofSeconds(5));
            }
            depthPools.forEach(dp -> dp.stop(Duration.ofSeconds(5)));
            workers.forEach(DirectWorker::close);
            threads.shutdownNow();
        }
        out.printf(Locale.ROOT, "  %-28s %-30s %-30s %s%n", "median [min–max]", "direct 1/worker", "pool " + o.inflight() + "/worker",
                "direct pipelined " + o.pipeline() + "/worker");
        out.printf(Locale.ROOT, "  %-28s %-30s %-30s %s%n", "throughput (req/s)", direct.format("%.0f"), pool.format("%.0f"), pipelined.format("%.0f"));
        out.printf(Locale.ROOT, "  %-28s %-30s %-30s %s%n", "Java CPU per request (µs)", directJavaCpu.format("%.1f"),
                poolJavaCpu.format("%.1f"), pipelinedJavaCpu.format("%.1f"));
        out.printf(Locale.ROOT, "  %-28s %-30s %-30s %s%n", "Python CPU per request (µs)", directPythonCpu.format("%.1f"),
                poolPythonCpu.format("%.1f"), pipelinedPythonCpu.format("%.1f"));
        out.printf(Locale.ROOT, "  pool / direct %s   pool / direct pipelined (ceiling) %s%n", poolRatio.format("%.2f"), ceilingRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  pipelined pools (pool of %d, pipeline.depth d, 2·d chains/worker) vs direct pipelined %d/worker:%n",
                n, o.pipeline());
        for (int i = 0; i < DEPTHS.length; i++) {
            out.printf(Locale.ROOT, "    depth %d: %s req/s, Java CPU %s µs/request, Python CPU %s µs/request (direct %d deep: %s),"
                    + " / direct pipelined %s (goal >= %.2f: %s); like for like, / direct %d deep %s%n",
                    DEPTHS[i], depthRate[i].format("%.0f"), depthJavaCpu[i].format("%.1f"), depthPythonCpu[i].format("%.1f"),
                    DEPTHS[i], likePythonCpu[i].format("%.1f"), depthRatio[i].format("%.2f"),
                    DEPTH_GOAL, depthRatio[i].median() >= DEPTH_GOAL ? "met" : "MISSED", DEPTHS[i], depthLikeRatio[i].format("%.2f"));
        }
    }

    /** Each contender once (the ceiling line may also stand for the like-for-like direct line of one depth). */
    private static List<Contender> distinct(Contender[] contenders) {
        List<Contender> out = new ArrayList<>();
        for (Contender c : contenders) {
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    private void recordDepths(int round, Contender[] contenders) {
        double ceiling = contenders[2].rate();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d, pipeline.depth:", round + 1));
        for (int i = 0; i < DEPTHS.length; i++) {
            Contender c = contenders[3 + i];
            depthRate[i].add(c.rate());
            depthRatio[i].add(c.rate() / ceiling);
            depthJavaCpu[i].add(c.javaCpuPerRequestMicros());
            depthPythonCpu[i].add(c.pythonCpuPerRequestMicros());
            likePythonCpu[i].add(contenders[3 + DEPTHS.length + i].pythonCpuPerRequestMicros());
            double like = contenders[3 + DEPTHS.length + i].rate();
            depthLikeRatio[i].add(c.rate() / like);
            line.append(String.format(Locale.ROOT, " %d: %7.0f/s (%.2f of direct pipelined, %.2f of direct %d deep)", DEPTHS[i],
                    c.rate(), c.rate() / ceiling, c.rate() / like, DEPTHS[i]));
        }
        out.println(line);
    }

    private void record(int round, Contender d, Contender p, Contender c) {
        direct.add(d.rate());
        pool.add(p.rate());
        pipelined.add(c.rate());
        poolRatio.add(p.rate() / d.rate());
        ceilingRatio.add(p.rate() / c.rate());
        directJavaCpu.add(d.javaCpuPerRequestMicros());
        poolJavaCpu.add(p.javaCpuPerRequestMicros());
        pipelinedJavaCpu.add(c.javaCpuPerRequestMicros());
        directPythonCpu.add(d.pythonCpuPerRequestMicros());
        poolPythonCpu.add(p.pythonCpuPerRequestMicros());
        pipelinedPythonCpu.add(c.pythonCpuPerRequestMicros());
        out.printf(Locale.ROOT, "  round %d: direct %7.0f/s | pool %7.0f/s | direct pipelined %7.0f/s | pool/direct %.2f%n",
                round + 1, d.rate(), p.rate(), c.rate(), p.rate() / d.rate());
    }

    /** Drives its workers flat out until a deadline; returns the answers received by the deadline. */
    private interface Load {
        long runUntil(long deadlineNanos) throws Exception;
    }

    /** A load with its per-round counters. */
    private static final class Contender {
        private final Load load;
        private final List<Long> pids;
        private long completed;
        private long activeNanos;
        private long javaCpuNanos;
        private long pythonCpuNanos;

        Contender(Load load, List<Long> pids) {
            this.load = load;
            this.pids = pids;
        }

        void reset() {
            completed = 0;
            activeNanos = 0;
            javaCpuNanos = 0;
            pythonCpuNanos = 0;
        }

        void slice(long sliceNanos) throws Exception {
            long java0 = CpuClock.jvmNanos();
            long python0 = CpuClock.processNanos(pids);
            long start = System.nanoTime();
            completed += load.runUntil(start + sliceNanos);
            activeNanos += sliceNanos;
            javaCpuNanos += CpuClock.jvmNanos() - java0;
            pythonCpuNanos += CpuClock.processNanos(pids) - python0;
        }

        double rate() {
            return completed / (activeNanos / 1e9);
        }

        double javaCpuPerRequestMicros() {
            return javaCpuNanos / 1e3 / completed;
        }

        double pythonCpuPerRequestMicros() {
            return pythonCpuNanos / 1e3 / completed;
        }
    }

    /**
     * Direct workers, one thread each. Depth 1: write a request, read its reply, repeat. Depth d &gt; 1:
     * keep d requests written ahead of the replies (the worker answers them in order).
     */
    private record DirectLoad(List<DirectWorker> workers, ExecutorService threads, int depth) implements Load {

        @Override
        public long runUntil(long deadline) throws Exception {
            List<Future<Long>> running = new ArrayList<>(workers.size());
            for (DirectWorker w : workers) {
                Callable<Long> task = () -> drive(w, deadline);
                running.add(threads.submit(task));
            }
            long total = 0;
            for (Future<Long> f : running) {
                total += f.get();
            }
            return total;
        }

        private long drive(DirectWorker w, long deadline) throws Exception {
            long counted = 0;
            int outstanding = 0;
            while (outstanding < depth && System.nanoTime() < deadline) {
                w.send();
                outstanding++;
            }
            while (outstanding > 0) {
                w.receive();
                outstanding--;
                long now = System.nanoTime();
                if (now <= deadline) {
                    counted++;
                }
                if (now < deadline) {
                    w.send();
                    outstanding++;
                }
            }
            return counted;
        }
    }

    /** The pool, kept full by {@link RequestChains} of echo requests. */
    private static final class PoolLoad implements Load {
        private final RequestChains chains;

        PoolLoad(PythonPool pool, int chains) {
            this.chains = new RequestChains(pool, BenchSetup.ECHO, BenchSetup::checkEcho, chains);
        }

        @Override
        public long runUntil(long deadlineNanos) throws Exception {
            return chains.runUntil(deadlineNanos);
        }
    }
}
