package dev.pooler.core.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.Await;
import dev.pooler.core.impl.events.EventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed answers and cancellation through a pool of real Python workers. */
class StreamsTest {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(PythonPoolTest.RUNTIME, scheduler, EventSink.NONE);
    private final List<PythonPool> pools = new ArrayList<>();

    @AfterEach
    void stopAll() {
        pools.forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
    }

    private PythonPool start(String id, int size) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size)
                .resourceLimits(new ResourceLimits(100, Duration.ofSeconds(120), 0, 0, 10, Duration.ofSeconds(60), 1 << 20, 1024))
                .workerSpec(WorkerSpec.defaults().withAdapter("bench,testing,text")).build(), runtime);
        pools.add(p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "workers did not start");
        return p;
    }

    private static Request req(String command, String json) {
        return Request.of(command, com.google.gson.JsonParser.parseString(json).getAsJsonObject());
    }

    /** Records what a stream delivers; asks for {@code initial} chunks at first. */
    static final class Recorder implements Flow.Subscriber<JsonElement> {
        final List<JsonElement> chunks = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        final long initial;
        volatile Flow.Subscription subscription;
        volatile int terminals;

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(initial);
        }

        @Override
        public void onNext(JsonElement item) {
            chunks.add(item);
        }

        @Override
        public void onError(Throwable t) {
            terminals++;
            end.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            terminals++;
            end.complete(null);
        }

        PoolerException error() {
            try {
                end.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                return PoolerException.of(e);
            }
            throw new AssertionError("the stream ended without an error after " + chunks.size() + " chunks");
        }

        List<Integer> seqs() {
            return chunks.stream().map(c -> c.getAsJsonObject().get("seq").getAsInt()).toList();
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }

    @Test
    void aThousandChunksArriveInOrderCompleteAndOnceThenTheOneAnswer() throws Exception {
        PythonPool p = start("s1000", 1);
        ResponseStream s = p.stream(req("chunks", "{\"n\":1000}"));
        Recorder r = new Recorder(Long.MAX_VALUE);
        s.subscribe(r);
        r.end.get(60, TimeUnit.SECONDS);
        assertEquals(range(1000), r.seqs());
        assertEquals(1, r.terminals);
        Response answer = s.result().toCompletableFuture().get();
        assertEquals(1000, answer.result().getAsJsonObject().get("n").getAsInt());
        assertEquals(1000, s.chunksReceived());
        assertEquals(0, p.duplicateAnswers());
        assertEquals(1, p.stats().completed());
        // a plain request of the same command gets the chunks collected in its one answer
        JsonObject plain = p.execute(req("chunks", "{\"n\":3}")).toCompletableFuture().get().result().getAsJsonObject();
        assertEquals(3, plain.getAsJsonArray("chunks").size());
    }

    @Test
    void theTextAdapterStreamsSentences() throws Exception {
        PythonPool p = start("gen", 1);
        ResponseStream s = p.stream(req("generate", "{\"prompt\":\"a streaming pool\",\"sentences\":7}"));
        Recorder r = new Recorder(Long.MAX_VALUE);
        s.subscribe(r);
        r.end.get(60, TimeUnit.SECONDS);
        assertEquals(7, r.chunks.size());
        for (int i = 0; i < 7; i++) {
            assertEquals(i, r.chunks.get(i).getAsJsonObject().get("index").getAsInt());
        }
        assertEquals(7, s.result().toCompletableFuture().get().result().getAsJsonObject().get("sentences").getAsInt());
    }

    @Test
    void aSlowConsumerHoldsBackOnlyItsOwnWorker() throws Exception {
        PythonPool streaming = start("slowstream", 2);
        PythonPool other = start("other", 1);
        ResponseStream s = streaming.stream(req("chunks", "{\"n\":2000,\"size\":100}"));
        Recorder r = new Recorder(1);
        s.subscribe(r);
        Await.until("the buffer is full", () -> s.chunksReceived() == ChunkStream.CAPACITY + 1);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, other.execute(req("echo", "{\"i\":" + i + "}")).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).result().getAsJsonObject().get("i").getAsInt());
        }
        // the streaming pool's other worker answers too
        assertEquals(7, streaming.execute(req("echo", "{\"i\":7}")).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsJsonObject().get("i").getAsInt());
        // the slow stream's worker was not read meanwhile: one chunk delivered, the buffer full, nothing more taken
        assertEquals(1, r.chunks.size());
        assertEquals(ChunkStream.CAPACITY + 1, s.chunksReceived());
        r.subscription.request(Long.MAX_VALUE);
        r.end.get(60, TimeUnit.SECONDS);
        assertEquals(range(2000), r.seqs());
    }

    @Test
    void aWorkerKilledMidStreamEndsTheStreamTypedAfterTheChunksAlreadyThere() throws Exception {
        PythonPool p = start("killed", 1);
        long pid = p.pids().get(0);
        ResponseStream s = p.stream(req("chunks", "{\"n\":100000,\"ms\":2}"));
        Recorder r = new Recorder(Long.MAX_VALUE);
        s.subscribe(r);
        Await.until("some chunks arrived", () -> r.chunks.size() >= 10);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        PoolerException e = r.error();
        assertEquals(ErrorKind.WORKER_CRASHED, e.kind());
        assertEquals(1, r.terminals);
        int n = r.chunks.size();
        assertTrue(n >= 10 && n < 100000);
        assertEquals(range(n), r.seqs());
        assertEquals(n, s.chunksReceived());
        assertEquals(ErrorKind.WORKER_CRASHED, PoolerException.of(
                s.result().toCompletableFuture().handle((x, t) -> t).get()).kind());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aQueuedRequestCancelledLeavesTheQueueAndNeverRuns() throws Exception {
        PythonPool p = start("queued", 1);
        CompletableFuture<Response> busy = p.execute(req("sleep", "{\"ms\":500}")).toCompletableFuture();
        CompletableFuture<Response> queued = p.execute(req("pid", "{}")).toCompletableFuture();
        Await.until("the second request is queued", () -> p.stats().queued() == 1);
        assertTrue(queued.cancel(true));
        PoolerException e = PoolerException.of(queued.handle((x, t) -> t).get(10, TimeUnit.SECONDS));
        assertEquals(ErrorKind.CANCELLED, e.kind());
        assertFalse(e.reachedWorker());
        assertEquals(0, p.stats().queued());
        busy.get(30, TimeUnit.SECONDS);
        assertEquals(1, p.stats().cancelled());
        assertEquals(1, p.stats().completed()); // the sleep; the cancelled one never ran
        assertEquals(0, p.stats().failed());
        assertFalse(queued.cancel(true));
    }

    @Test
    void aRunningCooperativeRequestStopsAndItsWorkerStays() throws Exception {
        PythonPool p = start("coop", 1);
        long pid = p.pids().get(0);
        ResponseStream s = p.stream(req("wait_cancel", "{\"ms\":60000,\"ticks\":true}"));
        Recorder r = new Recorder(Long.MAX_VALUE);
        s.subscribe(r);
        Await.until("it runs", () -> r.chunks.size() >= 3);
        assertTrue(s.cancel());
        assertEquals(ErrorKind.CANCELLED, r.error().kind());
        // the worker stopped by itself: it serves the next request, no replacement
        assertEquals(pid, p.execute(req("pid", "{}")).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsLong());
        assertEquals(1, p.stats().cancelled());
        assertEquals(0, p.stats().crashes());
        assertEquals(0, p.duplicateAnswers());
    }

    @Test
    void aWorkerStuckInABusyLoopIsRecycledAfterTheGrace() throws Exception {
        PythonPool p = start("stuck", 1);
        long pid = p.pids().get(0);
        CompletableFuture<Response> f = p.execute(req("spin", "{}")).toCompletableFuture();
        Await.until("it runs", () -> p.stats().busy() == 1);
        // Cancelled before the command starts, the worker answers at once ("cancelled before it ran") and stays: wait
        // until it really spins (an idle worker uses no CPU).
        long cpu0 = cpuMillis(pid);
        Await.until("it spins", () -> cpuMillis(pid) - cpu0 >= 300);
        assertTrue(p.cancel(idOfRunning(p)));
        assertEquals(ErrorKind.CANCELLED, PoolerException.of(f.handle((x, t) -> t).get(10, TimeUnit.SECONDS)).kind());
        Await.until("the stuck worker is replaced", () -> !p.pids().isEmpty() && p.pids().get(0) != pid
                && p.stats().idle() == 1);
        assertNotEquals(pid, p.execute(req("pid", "{}")).toCompletableFuture().get(30, TimeUnit.SECONDS)
                .result().getAsLong());
        assertEquals(0, p.stats().crashes()); // recycled on purpose, not a crash
        assertEquals(1, p.stats().cancelled());
        assertEquals(0, p.duplicateAnswers());
    }

    private static long cpuMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toMillis).orElse(0L);
    }

    private static long idOfRunning(PythonPool p) {
        p.lock.lock();
        try {
            for (Worker w : p.members) {
                if (w.current != null) {
                    return w.current.id;
                }
            }
        } finally {
            p.lock.unlock();
        }
        throw new AssertionError("nothing runs");
    }
}
