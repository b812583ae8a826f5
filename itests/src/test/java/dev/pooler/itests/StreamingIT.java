package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonElement;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.ResponseStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Streamed answers and cancellation through the router, in Felix, with real workers. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StreamingIT extends PoolerTestSupport {

    /** Records a stream, asking for everything. */
    static final class Recorder implements Flow.Subscriber<JsonElement> {
        final List<JsonElement> chunks = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        volatile int terminals;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
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

        List<Integer> seqs() {
            return chunks.stream().map(c -> c.getAsJsonObject().get("seq").getAsInt()).toList();
        }
    }

    /** wait_cancel's arguments: a long wait that emits a tick every 5 ms (json() would make the boolean a string). */
    private static com.google.gson.JsonObject ticking() {
        com.google.gson.JsonObject o = json("ms", 60000);
        o.addProperty("ticks", true);
        return o;
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }

    @Test
    public void aThousandChunksThroughTheRouterArriveInOrderOnceThenTheAnswer() throws Exception {
        createPool("it_stream", Map.of("size", 1, "adapter", "bench,testing", "capabilities", "all"));
        awaitPool("it_stream", 1);
        ResponseStream s = router().stream(Request.builder("chunks").args(json("n", 1000)).pool("it_stream").build());
        Recorder r = new Recorder();
        s.subscribe(r);
        r.end.get(60, TimeUnit.SECONDS);
        assertEquals(range(1000), r.seqs());
        assertEquals(1, r.terminals);
        assertEquals(1000, s.result().toCompletableFuture().get().result().getAsJsonObject().get("n").getAsInt());
    }

    @Test
    public void aWorkerKilledMidStreamEndsItWorkerCrashedAndItIsNotRetried() throws Exception {
        createPool("it_stream_kill", Map.of("size", 1, "adapter", "bench,testing", "capabilities", "all"));
        Pool pool = awaitPool("it_stream_kill", 1);
        long pid = readyPids(pool).iterator().next();
        // retryable: the router would run it again elsewhere, were it not for the chunks already delivered
        ResponseStream s = router().stream(Request.builder("chunks").args(json("n", 100000, "ms", 2))
                .pool("it_stream_kill").retryable(true).build());
        Recorder r = new Recorder();
        s.subscribe(r);
        Await.until("chunks arrive", () -> r.chunks.size() >= 10);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        PoolerException e = PoolerException.of(r.end.handle((x, t) -> t).get(60, TimeUnit.SECONDS));
        assertEquals(ErrorKind.WORKER_CRASHED, e.kind());
        assertEquals(range(r.chunks.size()), r.seqs());
        assertEquals(1, r.terminals);
    }

    @Test
    public void cancellingARoutedStreamStopsTheWorkerWhichThenServesAgain() throws Exception {
        createPool("it_stream_cancel", Map.of("size", 1, "adapter", "bench,testing", "capabilities", "all"));
        Pool pool = awaitPool("it_stream_cancel", 1);
        long pid = readyPids(pool).iterator().next();
        ResponseStream s = router().stream(Request.builder("wait_cancel").args(ticking())
                .pool("it_stream_cancel").build());
        Recorder r = new Recorder();
        s.subscribe(r);
        Await.until("it runs", () -> r.chunks.size() >= 3);
        assertTrue(router().cancel(s.id()));
        PoolerException e = PoolerException.of(r.end.handle((x, t) -> t).get(60, TimeUnit.SECONDS));
        assertEquals(ErrorKind.CANCELLED, e.kind());
        assertEquals(pid, answer(pool.execute(Request.of("pid")).toCompletableFuture()).result().getAsLong());
        assertEquals(1, pool.stats().cancelled());
        assertEquals(0, pool.stats().crashes());
    }
}
