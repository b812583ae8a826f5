package dev.pooler.bench;

import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.pool.PythonPool;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: start-up, from {@code new PythonPool(..)} + {@code start()} until {@code awaitReady} returns, for a
 * large pool (16 workers) and a pool of one, in the default launch mode (fork) and with {@code launch.mode=spawn}
 * side by side; as the floor, the same for bare processes launched by the direct client. Then what the fork
 * template is for: 16 workers of an adapter whose import costs 300 ms of CPU ({@code testing_heavy}), a killed
 * worker's replacement (killed → ready again), and the memory (PSS) of the 16 workers, fork vs spawn.
 */
final class StartupBench {

    static final String HEAVY_ADAPTER = "testing_heavy";
    /** Kills per round and launch mode in the replacement measure (their median is the round's value). */
    private static final int KILLS = 3;

    private final LaunchMode defaultMode = LaunchMode.parse("launch_mode", PoolConfig.DEFAULT_LAUNCH_MODE);

    final Figure pool1 = new Figure();
    final Figure poolN = new Figure();
    final Figure poolRatio = new Figure();
    final Figure poolNStartCall = new Figure();
    final Figure spawn1 = new Figure();
    final Figure spawnN = new Figure();
    final Figure spawnRatio = new Figure();
    final Figure direct1 = new Figure();
    final Figure directN = new Figure();
    final Figure directRatio = new Figure();
    final Figure poolNOverDirectN = new Figure();
    final Figure directNSpawn = new Figure();
    final Figure heavyFork = new Figure();
    final Figure heavySpawn = new Figure();
    /** spawn / fork: how many times faster the forked pool of the heavy adapter is ready. */
    final Figure heavySpeedup = new Figure();
    final Figure replaceFork = new Figure();
    final Figure replaceSpawn = new Figure();
    /** fork / spawn. */
    final Figure replaceRatio = new Figure();
    final Figure pssForkMb = new Figure();
    final Figure pssSpawnMb = new Figure();
    /** fork / spawn. */
    final Figure pssRatio = new Figure();

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
        String other = defaultMode == LaunchMode.FORK ? "spawn" : "fork";
        out.printf(Locale.ROOT, "%n[startup] pool start until awaitReady: %d workers vs 1, launch mode %s (default) and %s"
                + " (and bare processes as the floor)%n", n, name(defaultMode), other);
        timePool(1, defaultMode, BenchSetup.ADAPTER, null, null); // warm-up: the interpreter's files in the page cache, the JIT
        timePool(n, defaultMode, BenchSetup.ADAPTER, null, null);
        timePool(n, LaunchMode.SPAWN, BenchSetup.ADAPTER, null, null);
        timeDirect(n, null);
        for (int r = 0; r < o.rounds(); r++) {
            double[] startCall = new double[1];
            double[] spawn = new double[1];
            long[] pssDefault = new long[1];
            long[] pssSpawn = new long[1];
            LaunchMode forkOrDefault = defaultMode == LaunchMode.SPAWN ? LaunchMode.FORK : defaultMode;
            double p1;
            double pn;
            double s1;
            double sn;
            double d1;
            double dn;
            if (r % 2 == 0) {
                p1 = timePool(1, defaultMode, BenchSetup.ADAPTER, null, null);
                pn = timePool(n, defaultMode, BenchSetup.ADAPTER, startCall, pssDefault);
                s1 = timePool(1, LaunchMode.SPAWN, BenchSetup.ADAPTER, null, null);
                sn = timePool(n, LaunchMode.SPAWN, BenchSetup.ADAPTER, null, pssSpawn);
                d1 = timeDirect(1, null);
                dn = timeDirect(n, spawn);
            } else {
                dn = timeDirect(n, spawn);
                d1 = timeDirect(1, null);
                sn = timePool(n, LaunchMode.SPAWN, BenchSetup.ADAPTER, null, pssSpawn);
                s1 = timePool(1, LaunchMode.SPAWN, BenchSetup.ADAPTER, null, null);
                pn = timePool(n, defaultMode, BenchSetup.ADAPTER, startCall, pssDefault);
                p1 = timePool(1, defaultMode, BenchSetup.ADAPTER, null, null);
            }
            pool1.add(p1);
            poolN.add(pn);
            poolRatio.add(pn / p1);
            poolNStartCall.add(startCall[0]);
            spawn1.add(s1);
            spawnN.add(sn);
            spawnRatio.add(sn / s1);
            direct1.add(d1);
            directN.add(dn);
            directRatio.add(dn / d1);
            poolNOverDirectN.add(pn / dn);
            directNSpawn.add(spawn[0]);
            double hf;
            double hs;
            if (r % 2 == 0) {
                hf = timePool(n, forkOrDefault, HEAVY_ADAPTER, null, null);
                hs = timePool(n, LaunchMode.SPAWN, HEAVY_ADAPTER, null, null);
            } else {
                hs = timePool(n, LaunchMode.SPAWN, HEAVY_ADAPTER, null, null);
                hf = timePool(n, forkOrDefault, HEAVY_ADAPTER, null, null);
            }
            heavyFork.add(hf);
            heavySpawn.add(hs);
            heavySpeedup.add(hs / hf);
            double rf = replacement(forkOrDefault);
            double rs = replacement(LaunchMode.SPAWN);
            replaceFork.add(rf);
            replaceSpawn.add(rs);
            replaceRatio.add(rf / rs);
            if (defaultMode == LaunchMode.FORK && pssDefault[0] > 0 && pssSpawn[0] > 0) {
                pssForkMb.add(pssDefault[0] / 1024.0);
                pssSpawnMb.add(pssSpawn[0] / 1024.0);
                pssRatio.add(pssDefault[0] / (double) pssSpawn[0]);
            }
            out.printf(Locale.ROOT, "  round %d: %s 1 %6.1f ms | %s %d %6.1f ms (start() call %5.1f ms) | ratio %.2f"
                    + " | spawn 1 %6.1f ms, spawn %d %6.1f ms, ratio %.2f | direct 1 %6.1f ms, direct %d %6.1f ms, ratio %.2f%n",
                    r + 1, name(defaultMode), p1, name(defaultMode), n, pn, startCall[0], pn / p1, s1, n, sn, sn / s1,
                    d1, n, dn, dn / d1);
            out.printf(Locale.ROOT, "           %s (300 ms import) x%d: fork %6.1f ms, spawn %6.1f ms, spawn/fork %.2f"
                    + " | replacement killed→ready: fork %5.1f ms, spawn %5.1f ms, fork/spawn %.2f | PSS of %d: %s %.1f MB,"
                    + " spawn %.1f MB%n", HEAVY_ADAPTER, n, hf, hs, hs / hf, rf, rs, rf / rs, n, name(defaultMode),
                    pssDefault[0] / 1024.0, pssSpawn[0] / 1024.0);
        }
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "median [min–max]", "1 worker", n + " workers", n + " / 1");
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "pool, " + name(defaultMode) + " (ms)", pool1.format("%.1f"),
                poolN.format("%.1f"), poolRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "pool, spawn (ms)", spawn1.format("%.1f"), spawnN.format("%.1f"),
                spawnRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  %-26s %-24s %-24s %s%n", "direct processes (ms)", direct1.format("%.1f"), directN.format("%.1f"), directRatio.format("%.2f"));
        out.printf(Locale.ROOT, "  pool %d / direct %d: %s; spawning %d processes: pool start() call (under the pool's lock) %s ms,"
                + " bare launch loop %s ms%n", n, n, poolNOverDirectN.format("%.2f"), n, poolNStartCall.format("%.1f"),
                directNSpawn.format("%.1f"));
        out.printf(Locale.ROOT, "  %s x%d ready (ms): fork %s, spawn %s; spawn / fork %s%n", HEAVY_ADAPTER, n,
                heavyFork.format("%.1f"), heavySpawn.format("%.1f"), heavySpeedup.format("%.2f"));
        out.printf(Locale.ROOT, "  a killed worker replaced, killed → ready (ms): fork %s, spawn %s; fork / spawn %s%n",
                replaceFork.format("%.1f"), replaceSpawn.format("%.1f"), replaceRatio.format("%.2f"));
        if (pssRatio.count() > 0) {
            out.printf(Locale.ROOT, "  PSS of a pool of %d (workers, guardians, template; MB): fork %s, spawn %s; fork / spawn %s%n",
                    n, pssForkMb.format("%.1f"), pssSpawnMb.format("%.1f"), pssRatio.format("%.2f"));
        }
    }

    private static String name(LaunchMode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Milliseconds from creating the pool until all its workers are ready; then stops it (not timed). Puts the
     * PSS of its processes (KiB), measured once ready, into {@code pssKb} if given.
     */
    private double timePool(int size, LaunchMode mode, String adapter, double[] startCallMs, long[] pssKb)
            throws InterruptedException {
        long t0 = System.nanoTime();
        PythonPool pool = setup.newPool("bench-startup-" + (++seq), size, mode, adapter);
        pool.start();
        long t1 = System.nanoTime();
        boolean ready = pool.awaitReady(BenchSetup.READY_TIMEOUT);
        long t2 = System.nanoTime();
        if (pssKb != null && ready) {
            pssKb[0] = ProcMemory.poolPssKb(pool.pids());
        }
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
     * Median milliseconds, over {@value #KILLS} kills, from SIGKILL of a worker of a ready pool of 2 until the pool
     * has 2 ready workers again; each replacement then serves a request (so no restart backoff builds up).
     */
    private double replacement(LaunchMode mode) throws Exception {
        PythonPool pool = setup.startPool("bench-replace-" + (++seq), 2, mode);
        try {
            Figure f = new Figure();
            for (int k = 0; k < KILLS; k++) {
                long victim = pool.pids().get(0);
                long t0 = System.nanoTime();
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                long deadline = t0 + BenchSetup.READY_TIMEOUT.toNanos();
                while (!fullAndReady(pool, victim)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the killed worker " + victim + " was not replaced in time");
                    }
                    Thread.sleep(0, 200_000);
                }
                f.add((System.nanoTime() - t0) / 1e6);
                for (int i = 0; i < 4; i++) {
                    BenchSetup.checkEcho(pool.execute(BenchSetup.ECHO).toCompletableFuture().get(30, TimeUnit.SECONDS));
                }
            }
            return f.median();
        } finally {
            pool.stop(Duration.ofSeconds(5));
        }
    }

    private static boolean fullAndReady(PythonPool pool, long victim) {
        List<WorkerInfo> ws = pool.workers();
        if (ws.size() != 2) {
            return false;
        }
        for (WorkerInfo w : ws) {
            if (w.pid() == victim || (w.state() != WorkerState.IDLE && w.state() != WorkerState.BUSY)) {
                return false;
            }
        }
        return true;
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
