package dev.pooler.bench.remote;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.bench.CpuClock;
import dev.pooler.bench.Figure;
import dev.pooler.bench.OptionValues;
import dev.pooler.bench.WorkerRuntime;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.remote.internal.StandaloneRemote;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Remote vs local pool on loopback (issue 12 §6), side by side in one run: one real {@code PythonPool} of the
 * {@code bench} adapter, called directly ({@code local}) and through the remote bundle's path ({@code remote}:
 * {@code RemotePool} → JSON text → Aries RSA fastbin over a loopback TCP connection → the serving node's
 * {@code LocalEndpoint} → the same pool, and back), the two taking turns slice by slice. It reports the overhead per
 * request (remote − local) at p50 and p99, and saturated throughput remote/local for {@code echo} and for
 * {@code sleep} of 10 ms, each as median [min–max] over the rounds, against the goals.
 * A main program, not a test; how to run it and what it leaves out: {@code bench/README.md}.
 */
public final class RemoteBench {

    /** Kept referenced: java.util.logging holds its loggers weakly, and would forget the level. */
    private static final Logger POOLER_LOG = Logger.getLogger("dev.pooler");
    private static final Duration READY = Duration.ofSeconds(60);
    private static final double GOAL_P50_OVERHEAD_MS = 0.5;
    private static final double GOAL_ECHO_RATIO = 0.5;
    private static final double GOAL_SLEEP_RATIO = 0.95;

    private RemoteBench() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        RemoteOptions o;
        try {
            o = RemoteOptions.parse(args);
        } catch (OptionValues.HelpRequested h) {
            out.print(RemoteOptions.help());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("RemoteBench: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!o.verbose()) {
            POOLER_LOG.setLevel(Level.WARNING); // the pool logs every start and stop at INFO
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-pool-scheduler");
            t.setDaemon(true);
            return t;
        });
        try (WorkerRuntime runtime = WorkerRuntime.locate(o.runtime())) {
            run(out, o, PoolRuntime.create(runtime.dir(), scheduler, EventSink.NONE));
        } finally {
            scheduler.shutdownNow();
        }
        System.exit(0); // fastbin's dispatch threads are not daemons
    }

    private static void run(PrintStream out, RemoteOptions o, PoolRuntime runtime) throws Exception {
        double loadBefore = CpuClock.loadAverage();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "Pooler remote bench: %d CPUs, load average %.2f, Java %s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, System.getProperty("java.version"));
        out.println("options: " + o.describe());
        ResourceLimits d = ResourceLimits.defaults();
        PythonPool pool = new PythonPool(PoolConfig.builder().poolId("bench_pool").size(o.workers())
                .workerSpec(WorkerSpec.defaults().withAdapter("bench").withPython(o.python()))
                .resourceLimits(new ResourceLimits(Math.max(d.maxQueue(), 4 * o.inflight() * o.workers()), d.requestTimeout(),
                        d.maxMemoryMb(), d.maxRequestsPerWorker(), d.maxRestarts(), d.restartWindow()))
                .build(), runtime);
        pool.start();
        LatencyRun latency = new LatencyRun(o, out);
        ThroughputRun echo = new ThroughputRun(o, out);
        ThroughputRun sleep = new ThroughputRun(o, out);
        try (StandaloneRemote remote = new StandaloneRemote(pool, "B", "A", "127.0.0.1")) {
            if (!pool.awaitReady(READY)) {
                throw new IllegalStateException("the pool did not start: " + pool.failure());
            }
            Contenders c = new Contenders(pool, remote.pool());
            out.printf(Locale.ROOT, "pool %s of %d workers; remote: %s over fastbin on 127.0.0.1%n", pool.id(), o.workers(),
                    remote.pool().id());
            Contenders.Work echoWork = echo();
            Contenders.Work sleepWork = sleep(o.sleepMs());
            if (o.only().contains("latency")) {
                latency.run(c, echoWork);
            }
            if (o.only().contains("echo")) {
                echo.run(c, echoWork);
            }
            if (o.only().contains("sleep")) {
                sleep.run(c, sleepWork);
            }
        } finally {
            pool.stop(Duration.ofSeconds(5));
        }
        double loadAfter = CpuClock.loadAverage();
        out.printf(Locale.ROOT, "%n== Remote vs local: median [min–max] over %d rounds ==%n", o.rounds());
        out.printf(Locale.ROOT, "  %-50s %-26s %-9s %s%n", "measure", "value", "goal", "median vs goal");
        if (o.only().contains("latency")) {
            row(out, "overhead per request p50, remote − local (ms)", latency.overheadP50Ms, "%.3f",
                    "<= " + GOAL_P50_OVERHEAD_MS, latency.overheadP50Ms.median() <= GOAL_P50_OVERHEAD_MS);
            row(out, "overhead per request p99, remote − local (ms)", latency.overheadP99Ms, "%.3f", "-", null);
        }
        if (o.only().contains("echo")) {
            row(out, "saturated throughput echo, remote / local", echo.ratio, "%.2f", ">= " + GOAL_ECHO_RATIO,
                    echo.ratio.median() >= GOAL_ECHO_RATIO);
            row(out, "  JVM CPU per echo request, local (µs)", echo.localCpuMicros, "%.1f", "-", null);
            row(out, "  JVM CPU per echo request, remote, both nodes (µs)", echo.remoteCpuMicros, "%.1f", "-", null);
        }
        if (o.only().contains("sleep")) {
            row(out, "saturated throughput sleep " + o.sleepMs() + " ms, remote / local", sleep.ratio, "%.2f",
                    ">= " + GOAL_SLEEP_RATIO, sleep.ratio.median() >= GOAL_SLEEP_RATIO);
        }
        out.printf(Locale.ROOT, "%d CPUs; load average %.2f before, %.2f after; %.0f s in all.%s%n",
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, (System.nanoTime() - t0) / 1e9,
                Math.max(loadBefore, loadAfter) > Runtime.getRuntime().availableProcessors() * 0.5
                        ? " The machine was busy: read these figures as indicative only." : "");
    }

    private static void row(PrintStream out, String what, Figure f, String fmt, String goal, Boolean met) {
        out.printf(Locale.ROOT, "  %-50s %-26s %-9s %s%n", what, f.format(fmt), goal,
                met == null ? "(info)" : met ? "met" : "MISSED");
    }

    private static Contenders.Work echo() {
        JsonObject args = JsonParser.parseString("{\"msg\":\"hello\"}").getAsJsonObject();
        return new Contenders.Work("echo {\"msg\":\"hello\"}", Request.of("echo", args), r -> {
            if (!args.equals(r.result())) {
                throw new IllegalStateException(r.poolId() + " answered " + r.result() + " to echo " + args);
            }
        });
    }

    private static Contenders.Work sleep(int ms) {
        JsonObject args = new JsonObject();
        args.addProperty("ms", ms);
        return new Contenders.Work("sleep {\"ms\":" + ms + "}", Request.of("sleep", args), r -> check(r, ms));
    }

    private static void check(Response r, int ms) {
        if (!r.result().isJsonObject() || r.result().getAsJsonObject().get("slept_ms").getAsDouble() != ms) {
            throw new IllegalStateException(r.poolId() + " answered " + r.result() + " to sleep " + ms + " ms");
        }
    }
}
