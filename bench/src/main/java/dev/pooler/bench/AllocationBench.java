package dev.pooler.bench;

import dev.pooler.core.impl.pool.PythonPool;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark 4: JVM bytes allocated per request on the pool path. A pool of 2 bench workers kept busy with 8
 * echo requests in flight; over {@value #REQUESTS} requests per round, the bytes every JVM thread allocated
 * ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}), divided by the requests. It counts the whole
 * path — the caller's {@code execute} and its completion callback, the pool's dispatch, the pipe write, the reader
 * thread's parse, the hand-off of the answer — and nothing else runs in the JVM meanwhile.
 */
final class AllocationBench {

    static final int REQUESTS = 20_000;
    private static final int IN_FLIGHT = 8;

    final Figure bytesPerRequest = new Figure();

    private final BenchSetup setup;
    private final PrintStream out;
    private final com.sun.management.ThreadMXBean threads;

    AllocationBench(BenchSetup setup, PrintStream out) {
        this.setup = setup;
        this.out = out;
        this.threads = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;
    }

    void run() throws Exception {
        if (threads == null || !threads.isThreadAllocatedMemorySupported()) {
            out.printf(Locale.ROOT, "%n[alloc] this JVM cannot count allocated bytes per thread; skipped%n");
            return;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        out.printf(Locale.ROOT, "%n[alloc] JVM bytes allocated per request, pool of 2, %d in flight, %d requests per round%n",
                IN_FLIGHT, REQUESTS);
        PythonPool pool = setup.startPool("bench-alloc", 2);
        try {
            drive(pool, REQUESTS); // warm-up: the JIT compiles the path (escape analysis removes what it can)
            for (int r = 0; r < setup.options.rounds(); r++) {
                Map<Long, Long> before = allocated();
                drive(pool, REQUESTS);
                Map<Long, Long> after = allocated();
                long bytes = 0;
                for (Map.Entry<Long, Long> e : after.entrySet()) {
                    bytes += e.getValue() - before.getOrDefault(e.getKey(), 0L);
                }
                double per = bytes / (double) REQUESTS;
                bytesPerRequest.add(per);
                out.printf(Locale.ROOT, "  round %d: %.0f bytes/request%n", r + 1, per);
            }
        } finally {
            pool.stop(Duration.ofSeconds(5));
        }
        out.printf(Locale.ROOT, "  bytes allocated per request, median [min–max]: %s%n", bytesPerRequest.format("%.0f"));
    }

    private Map<Long, Long> allocated() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    private static void drive(PythonPool pool, int count) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            slots.acquire();
            pool.execute(BenchSetup.ECHO).whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (!BenchSetup.ECHO_ARGS.equals(r.result())) {
                    failure.compareAndSet(null, new IllegalStateException("pool answered " + r.result()));
                }
                slots.release();
                done.countDown();
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the allocation run did not finish");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed", failure.get());
        }
    }
}
