package dev.pooler.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.pooler.api.LaunchMode;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/** What every benchmark shares: options, the worker runtime, the pools' scheduler and the one request. */
final class BenchSetup {

    static final String ADAPTER = "bench";
    /** The echo arguments, as the direct client writes them and as the pool's Gson writes them. */
    static final String ECHO_ARGS_JSON = "{\"msg\":\"hello\"}";
    static final JsonObject ECHO_ARGS = JsonParser.parseString(ECHO_ARGS_JSON).getAsJsonObject();
    static final Request ECHO = Request.of("echo", ECHO_ARGS);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    final BenchOptions options;
    final Path runtimeDir;
    final ScheduledExecutorService scheduler;
    /** What the pools share, as in the platform: one answer executor, one worker-id counter. */
    final PoolRuntime runtime;

    BenchSetup(BenchOptions options, Path runtimeDir, ScheduledExecutorService scheduler) {
        this.options = options;
        this.runtimeDir = runtimeDir;
        this.scheduler = scheduler;
        this.runtime = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
    }

    /** A pool of the bench adapter with the default limits (a queue deep enough for the in-flight load). */
    PythonPool newPool(String id, int size) {
        return newPool(id, size, options.launch(), ADAPTER);
    }

    /** A pool of {@code adapter} whose workers are started as {@code mode} says. */
    PythonPool newPool(String id, int size, LaunchMode mode, String adapter) {
        return newPool(id, size, mode, adapter, PoolConfig.DEFAULT_PIPELINE_DEPTH);
    }

    /** A pool of {@code adapter} that writes up to {@code pipelineDepth} requests to a worker ahead of its reply. */
    PythonPool newPool(String id, int size, LaunchMode mode, String adapter, int pipelineDepth) {
        ResourceLimits d = ResourceLimits.defaults();
        int queue = Math.max(d.maxQueue(), options.inflight() * options.workers() * 2);
        PoolConfig config = PoolConfig.builder()
                .poolId(id)
                .size(size)
                .launchMode(mode)
                .pipelineDepth(pipelineDepth)
                .workerSpec(new WorkerSpec(options.python(), adapter, Map.of(), READY_TIMEOUT))
                .resourceLimits(new ResourceLimits(queue, d.requestTimeout(), d.maxMemoryMb(), d.maxRequestsPerWorker(),
                        d.maxRestarts(), d.restartWindow()))
                .build();
        return new PythonPool(config, runtime);
    }

    /** Starts a pool and waits until all its workers are ready. */
    PythonPool startPool(String id, int size) throws InterruptedException {
        return startPool(id, size, options.launch());
    }

    /** Starts a pool of the bench adapter launched as {@code mode} and waits until all its workers are ready. */
    PythonPool startPool(String id, int size, LaunchMode mode) throws InterruptedException {
        return startPool(id, size, mode, PoolConfig.DEFAULT_PIPELINE_DEPTH);
    }

    /** Starts a pool of the bench adapter with {@code pipeline.depth} and waits until all its workers are ready. */
    PythonPool startPool(String id, int size, LaunchMode mode, int pipelineDepth) throws InterruptedException {
        PythonPool pool = newPool(id, size, mode, ADAPTER, pipelineDepth);
        pool.start();
        if (!pool.awaitReady(READY_TIMEOUT)) {
            String why = pool.failure();
            pool.stop(Duration.ZERO);
            throw new IllegalStateException("pool " + id + " did not become ready" + (why == null ? "" : ": " + why));
        }
        return pool;
    }

    DirectWorker launchDirect(String workerId) throws IOException {
        return DirectWorker.launch(options.python(), runtimeDir, ADAPTER, workerId, ECHO_ARGS_JSON);
    }

    /** Fails the benchmark if a pool answer is not the echo of the request. */
    static void checkEcho(Response r) {
        if (!ECHO_ARGS.equals(r.result())) {
            throw new IllegalStateException("pool answered " + r.result() + " to echo " + ECHO_ARGS_JSON);
        }
    }
}
