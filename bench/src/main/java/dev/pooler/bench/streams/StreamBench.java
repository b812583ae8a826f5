package dev.pooler.bench.streams;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.Request;
import dev.pooler.api.ResponseStream;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.tools.PoolerTool;
import dev.pooler.bench.Samples;
import dev.pooler.bench.WorkerRuntime;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Streams and tools (issue 16 §6), on one core pool of one {@code bench} worker used directly (no OSGi, no router,
 * no HTTP), every figure next to a plain request's, measured interleaved in one run:
 * <ol>
 * <li>time to first chunk of a streamed {@code chunks} request vs the answer of a plain {@code echo} request;</li>
 * <li>chunks per second through the one worker (one stream of many small chunks) vs plain requests per second
 *     (one at a time, the same worker);</li>
 * <li>a request making one tool call (Python calls a Java {@code echo} tool and waits for it) vs a plain request,
 *     and the cost of one tool call inside a running command (a command making many calls, per call).</li>
 * </ol>
 * Options as system properties: {@code bench.rounds} (400), {@code bench.chunks} (20000), {@code bench.toolcalls}
 * (2000), {@code bench.python} ({@code python3}).
 */
public final class StreamBench {

    private static final Duration READY = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 400);
        int chunks = Integer.getInteger("bench.chunks", 20000);
        int toolCalls = Integer.getInteger("bench.toolcalls", 2000);
        String python = System.getProperty("bench.python", "python3");
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        try (WorkerRuntime runtime = WorkerRuntime.locate(null)) {
            PoolRuntime rt = PoolRuntime.create(runtime.dir(), scheduler, EventSink.NONE);
            PoolerTool echo = (a, ctx) -> CompletableFuture.completedFuture(a);
            rt.tools().registry().bindTool(echo, Map.of(PoolerTool.NAME, "echo"));
            PythonPool pool = new PythonPool(PoolConfig.builder().poolId("streams").size(1)
                    .workerSpec(WorkerSpec.defaults().withAdapter("bench").withPython(python)).build(), rt);
            pool.start();
            if (!pool.awaitReady(READY)) {
                throw new IllegalStateException("the pool did not start: " + pool.failure());
            }
            try {
                new StreamBench(pool).run(rounds, chunks, toolCalls);
            } finally {
                pool.stop(Duration.ofSeconds(2));
            }
        } finally {
            scheduler.shutdownNow();
        }
        System.exit(0);
    }

    private final PythonPool pool;

    private StreamBench(PythonPool pool) {
        this.pool = pool;
    }

    private static Request request(String command, Object... kv) {
        JsonObject a = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            if (v instanceof Number n) {
                a.addProperty((String) kv[i], n);
            } else {
                a.addProperty((String) kv[i], String.valueOf(v));
            }
        }
        return Request.of(command, a);
    }

    private long plain() {
        long t0 = System.nanoTime();
        pool.execute(request("echo", "x", 1)).toCompletableFuture().join();
        return System.nanoTime() - t0;
    }

    /** Nanoseconds to the first chunk of a stream of {@code n} chunks, and to its end; [first, end]. */
    private long[] streamed(int n) {
        long t0 = System.nanoTime();
        long[] at = new long[2];
        CompletableFuture<Void> done = new CompletableFuture<>();
        ResponseStream s = pool.stream(request("chunks", "n", n));
        s.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription sub) {
                sub.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(JsonElement item) {
                if (at[0] == 0) {
                    at[0] = System.nanoTime() - t0;
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        at[1] = System.nanoTime() - t0;
        return at;
    }

    private long toolRequest(int times) {
        JsonObject a = new JsonObject();
        a.addProperty("tool", "echo");
        JsonObject args = new JsonObject();
        args.addProperty("k", "v");
        a.add("args", args);
        a.addProperty("times", times);
        long t0 = System.nanoTime();
        pool.execute(Request.of("tool", a)).toCompletableFuture().join();
        return System.nanoTime() - t0;
    }

    private void run(int rounds, int chunks, int toolCalls) {
        for (int i = 0; i < 200; i++) { // warm-up, unrecorded
            plain();
            streamed(10);
            toolRequest(1);
        }
        Samples plain = new Samples();
        Samples first = new Samples();
        Samples tool = new Samples();
        for (int i = 0; i < rounds; i++) {
            plain.add(plain());
            first.add(streamed(10)[0]);
            tool.add(toolRequest(1));
        }
        // throughput: one long stream vs as many plain requests one at a time, alternating, 3 times each
        double bestChunksPerS = 0;
        double bestPlainPerS = 0;
        double bestToolCallUs = Double.MAX_VALUE;
        double bestPlainUs = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t = streamed(chunks)[1];
            bestChunksPerS = Math.max(bestChunksPerS, chunks / (t / 1e9));
            long t0 = System.nanoTime();
            for (int i = 0; i < chunks / 10; i++) {
                plain();
            }
            double plainTotal = System.nanoTime() - t0;
            bestPlainPerS = Math.max(bestPlainPerS, (chunks / 10) / (plainTotal / 1e9));
            bestPlainUs = Math.min(bestPlainUs, plainTotal / (chunks / 10) / 1e3);
            long many = toolRequest(toolCalls);
            long one = toolRequest(1);
            bestToolCallUs = Math.min(bestToolCallUs, (many - one) / (double) (toolCalls - 1) / 1e3);
        }
        System.out.printf("one bench worker, %d interleaved rounds (after 200 unrecorded), medians [p99]%n", rounds);
        System.out.printf("plain echo request, answer:                 %8.3f ms [%.3f]%n", ms(plain.percentile(50)), ms(plain.percentile(99)));
        System.out.printf("stream of 10 chunks, first chunk:           %8.3f ms [%.3f]   ratio %.2f%n", ms(first.percentile(50)),
                ms(first.percentile(99)), first.percentile(50) / (double) plain.percentile(50));
        System.out.printf("request with one tool call, answer:         %8.3f ms [%.3f]   ratio %.2f%n", ms(tool.percentile(50)),
                ms(tool.percentile(99)), tool.percentile(50) / (double) plain.percentile(50));
        System.out.printf("chunks per second, one stream of %d:     %10.0f /s%n", chunks, bestChunksPerS);
        System.out.printf("plain requests per second, one at a time:   %10.0f /s   chunks/requests ratio %.1f%n", bestPlainPerS,
                bestChunksPerS / bestPlainPerS);
        System.out.printf("one tool call inside a command (of %d):    %8.1f us   vs a plain request %.1f us: ratio %.2f%n",
                toolCalls, bestToolCallUs, bestPlainUs, bestToolCallUs / bestPlainUs);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
