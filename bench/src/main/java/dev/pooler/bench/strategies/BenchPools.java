package dev.pooler.bench.strategies;

import dev.pooler.bench.FixedPoolRegistry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The three pools of the benchmark ({@code a}, {@code b}, {@code c}): real {@link PythonPool}s of the
 * {@code bench} adapter, used directly on a plain classpath. A pool's speed is a property of the
 * pool: each worker reads its speed factor from the file named by {@code POOLER_BENCH_FACTOR_FILE}
 * (one file per pool, replaced atomically here, re-read by the worker when it changes), and every
 * request is the same {@code work {"ms": base}}. Also the {@link PoolRegistry} the router sees.
 */
final class BenchPools implements AutoCloseable {

    static final String[] IDS = {"a", "b", "c"};
    /** The bench adapter, and the mixed one for the mixed scenario (each pool with its own costs). */
    static final String ADAPTER = "bench,mixed";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<PythonPool> pools = new ArrayList<>();
    private final Path factorDir;
    private final Path[] factorFiles = new Path[IDS.length];
    private final double[] current = new double[IDS.length];
    private final FixedPoolRegistry registry;

    BenchPools(String python, Path runtimeDir, int workers, ScheduledExecutorService scheduler) throws IOException,
            InterruptedException {
        factorDir = Files.createTempDirectory("pooler-bench-factors");
        ResourceLimits d = ResourceLimits.defaults();
        // Queues never refuse (the bench measures routing, not admission control), and no request
        // times out even where a strategy lets a queue grow for the whole run.
        ResourceLimits limits = new ResourceLimits(1_000_000, Duration.ofMinutes(10), d.maxMemoryMb(), 0,
                d.maxRestarts(), d.restartWindow());
        PoolRuntime runtime = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
        try {
            for (int i = 0; i < IDS.length; i++) {
                factorFiles[i] = factorDir.resolve(IDS[i] + ".factor");
                current[i] = 1.0;
                writeFactor(i, 1.0);
                Map<String, String> env = Map.of("POOLER_BENCH_FACTOR", "1",
                        "POOLER_BENCH_FACTOR_FILE", factorFiles[i].toString(),
                        "POOLER_MIXED_COSTS", MixedWorkload.costsJson(i));
                PoolConfig config = PoolConfig.builder()
                        .poolId(IDS[i])
                        .size(workers)
                        .workerSpec(new WorkerSpec(python, ADAPTER, env, READY_TIMEOUT))
                        .resourceLimits(limits)
                        .build();
                PythonPool pool = new PythonPool(config, runtime);
                pools.add(pool);
                pool.start();
            }
            for (PythonPool pool : pools) {
                if (!pool.awaitReady(READY_TIMEOUT)) {
                    String why = pool.failure();
                    throw new IllegalStateException("pool " + pool.id() + " did not become ready"
                            + (why == null ? "" : ": " + why));
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        registry = new FixedPoolRegistry(pools);
    }

    PoolRegistry registry() {
        return registry;
    }

    List<PythonPool> pools() {
        return pools;
    }

    int size() {
        return pools.size();
    }

    int indexOf(String poolId) {
        for (int i = 0; i < IDS.length; i++) {
            if (IDS[i].equals(poolId)) {
                return i;
            }
        }
        return -1;
    }

    List<Long> pids() {
        List<Long> out = new ArrayList<>();
        pools.forEach(p -> out.addAll(p.pids()));
        return out;
    }

    /** Sets the speed factor of every pool; the workers apply it from their next request on. */
    void setFactors(double[] factors) {
        for (int i = 0; i < factors.length; i++) {
            setFactor(i, factors[i]);
        }
    }

    void setFactor(int pool, double factor) {
        if (current[pool] != factor) {
            writeFactor(pool, factor);
            current[pool] = factor;
        }
    }

    /** A new file renamed over the old one: a worker reads either the old factor or the new one, never half. */
    private void writeFactor(int pool, double factor) {
        Path tmp = factorDir.resolve(IDS[pool] + ".factor.tmp");
        try {
            Files.writeString(tmp, Double.toString(factor) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, factorFiles[pool], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, factorFiles[pool], StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the speed factor of pool " + IDS[pool], e);
        }
    }

    /**
     * Measures one pool's service time at its current factor: {@code chains} closed loops of
     * {@code perChain} requests straight to the pool (no router). Checks that every answer carries
     * the expected factor. Returns the service times in nanoseconds.
     */
    long[] measure(int pool, Request request, double expectedFactor, int chains, int perChain) throws InterruptedException {
        PythonPool p = pools.get(pool);
        long[] out = new long[chains * perChain];
        Thread[] threads = new Thread[chains];
        RuntimeException[] failure = new RuntimeException[1];
        for (int c = 0; c < chains; c++) {
            int chain = c;
            threads[c] = new Thread(() -> {
                try {
                    for (int k = 0; k < perChain; k++) {
                        Response r = p.execute(request).toCompletableFuture().join();
                        checkFactor(r, expectedFactor);
                        out[chain * perChain + k] = r.serviceNanos();
                    }
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }, "bench-calibrate-" + IDS[pool] + "-" + c);
            threads[c].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw new IllegalStateException("calibrating pool " + IDS[pool] + ": " + failure[0].getMessage(), failure[0]);
            }
        }
        return out;
    }

    static void checkFactor(Response r, double expected) {
        JsonElement result = r.result();
        if (result == null || !result.isJsonObject()) {
            throw new IllegalStateException("pool " + r.poolId() + " answered " + result + " to work");
        }
        JsonObject o = result.getAsJsonObject();
        if (!o.has("factor") || o.get("factor").getAsDouble() != expected) {
            throw new IllegalStateException("pool " + r.poolId() + " worked at factor " + o.get("factor")
                    + ", expected " + expected + " (is the worker runtime current?)");
        }
    }

    @Override
    public void close() {
        for (PythonPool p : pools) {
            try {
                p.stop(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // stopping anyway
            }
        }
        try {
            for (Path f : factorFiles) {
                if (f != null) {
                    Files.deleteIfExists(f);
                }
            }
            for (String id : IDS) {
                Files.deleteIfExists(factorDir.resolve(id + ".factor.tmp"));
            }
            Files.deleteIfExists(factorDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

}
