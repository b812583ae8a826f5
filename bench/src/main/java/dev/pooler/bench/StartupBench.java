package dev.pooler.bench;

import dev.pooler.core.impl.pool.PythonPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 3: start-up, from {@code new PythonPool(..)} + {@code start()} until {@code awaitReady}
 * returns, for a large pool (16 workers) and a pool of one; and, as the floor, the same for bare
 * processes launched by the direct client (spawn until every handshake is read).
 */
final class StartupBench {

    final Figure pool1 = new Figure();
    final Figure poolN = new Figure();
    final Figure poolRatio = new Figure();
    final Figure poolNStartCall = new Figure();
    final Figure direct1 = new Figure();
    final Figure directN = new Figure();
    final Figure directRatio = new Figure();
    final Figure poolNOverDirectN = new Figure();
    final Figure directNSpawn = new Figure();

    private final BenchSetup setup;
    private final PrintStream out;
    private int seq;

    StartupBench(BenchSetup setup, PrintStream out) {
        this.setup = setup;
        this.out = out;
    }

    void run() throws Exception {
        BenchOptions o = setup.options;
        int n = o.startupWorkers();
        out.printf(Locale.ROOT, "%n[startup] pool start until awaitReady: %d workers vs 1 (and bare processes as the floor)%n", n);
        timePool(1, null); // warm-up: the interpreter's files in the page cache, the JIT
        timePool(n, null);
        timeDirect(n, null);
        for (int r = 0; r < o.rounds(); r++) {
            double[] startCall = new double[1];
            double[] spawn = new double[1];
            double p1;
            double pn;
            double d1;
            double dn;
            if (r % 2 == 0) {
                p1 = timePool(1, null);
                pn = timePool(n, startCall);
                d1 = timeDirect(1, null);
                dn = timeDirect(n, spawn);
            } else {
                dn = timeDirect(n, spawn);
                d1 = timeDirect(1, null);
                pn = timePool(n, startCall);
                p1 = timePool(1, null);
            }
            pool1.add(p1);
            poolN.add(pn);
            poolRatio.add(pn / p1);
            poolNStartCall.add(startCall[0]);
            direct1.add(d1);
            directN.add(dn);
            directRatio.add(dn / d1);
            poolNOverDirectN.add(pn / dn);
            directNSpawn.add(spawn[0]);
            out.printf(Locale.ROOT, "  round %d: pool 1 %6.1f ms | pool %d %6.1f ms (start() call %5.1f ms) | ratio %.2f"
                    + " | direct 1 %6.1f ms, direct %d %6.1f ms, ratio %.2f%n",
                    r + 1, p1, n, pn, startCall[0], pn / p1, d1, n, dn, dn / d1);
        }
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "median [min–max]", "1 worker", n + " workers", n + " / 1");
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "pool (ms)", pool1.format("%.1f"), poolN.format("%.1f"), poolRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "direct processes (ms)", direct1.format("%.1f"), directN.format("%.1f"), directRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  pool %d / direct %d: %s; spawning %d processes: pool start() call (under the pool's lock) %s ms,"
                + " bare launch loop %s ms%n", n, n, poolNOverDirectN.format("%.2f"), n, poolNStartCall.format("%.1f"),
                directNSpawn.format("%.1f"));
    }

    /** Milliseconds from creating the pool until all its workers are ready; then stops it (not timed). */
    private double timePool(int size, double[] startCallMs) throws InterruptedException {
        long t0 = System.nanoTime();
        PythonPool pool = setup.newPool("bench-startup-" + (++seq), size);
        pool.start();
        long t1 = System.nanoTime();
        boolean ready = pool.awaitReady(BenchSetup.READY_TIMEOUT);
        long t2 = System.nanoTime();
        pool.stop(Duration.ofSeconds(5));
        if (!ready) {
            throw new IllegalStateException("a pool of " + size + " was not ready within " + BenchSetup.READY_TIMEOUT
                    + (pool.failure() == null ? "" : ": " + pool.failure()));
        }
        if (startCallMs != null) {
            startCallMs[0] = (t1 - t0) / 1e6;
        }
        return (t2 - t0) / 1e6;
    }

    /**
     * Milliseconds from launching {@code count} bare workers until every handshake is read; then closes them.
     * Puts the time the launch loop alone took into {@code spawnMs}, if given.
     */
    private double timeDirect(int count, double[] spawnMs) throws Exception {
        List<DirectWorker> workers = new ArrayList<>(count);
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                workers.add(setup.launchDirect("direct-startup-" + (i + 1)));
            }
            if (spawnMs != null) {
                spawnMs[0] = (System.nanoTime() - t0) / 1e6;
            }
            for (DirectWorker w : workers) {
                w.awaitReady();
            }
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            workers.forEach(DirectWorker::close);
        }
    }
}
