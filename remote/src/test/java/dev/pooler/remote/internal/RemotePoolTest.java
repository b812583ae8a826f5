package dev.pooler.remote.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.remote.api.RemotePoolEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;

/** {@link RemotePool} against an endpoint that answers when told: one answer per request, whatever comes first. */
class RemotePoolTest {

    private final ExecutorService answers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Deferred<String>> calls = new CopyOnWriteArrayList<>();
    private final RemotePoolEndpoint endpoint = new RemotePoolEndpoint() {
        @Override
        public Promise<String> execute(String requestJson) {
            Deferred<String> d = new Deferred<>();
            calls.add(d);
            return d.getPromise();
        }

        @Override
        public Promise<String> stats() {
            return new Deferred<String>().getPromise();
        }
    };
    private final RemotePool pool = new RemotePool("p@B", "B", PoolConfig.builder().poolId("p@B").build(), endpoint,
            answers, timer);

    @AfterEach
    void stop() {
        pool.close();
        answers.shutdownNow();
        timer.shutdownNow();
    }

    private static PoolerException failure(CompletableFuture<Response> f) {
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> f.orTimeout(60, TimeUnit.SECONDS).join());
        return (PoolerException) e.getCause();
    }

    @Test
    void theNodesAnswerIsTheAnswer() {
        CompletableFuture<Response> f = pool.execute(Request.of("echo")).toCompletableFuture();
        assertEquals(1, pool.inFlight());
        calls.get(0).resolve(WireCodec.answer(new Response("p", "p-w1", new JsonPrimitive("hi"), 1, 2)));
        Response r = f.orTimeout(10, TimeUnit.SECONDS).join();
        assertEquals("p@B", r.poolId());
        assertEquals(new JsonPrimitive("hi"), r.result());
        pool.close(); // nothing left to answer
    }

    @Test
    void aSilentNodeIsAnsweredTimeoutAfterTheRequestsTimeoutAndTheGrace() {
        CompletableFuture<Response> f = pool.execute(Request.builder("echo").timeout(Duration.ofMillis(1)).build())
                .toCompletableFuture();
        PoolerException e = failure(f);
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("within " + (1 + RemotePool.TRANSIT_GRACE.toMillis()) + " ms"), e.getMessage());
        calls.get(0).resolve(WireCodec.answer(new Response("p", "p-w1", new JsonPrimitive("late"), 1, 2)));
        assertEquals(ErrorKind.TIMEOUT, failure(f).kind(), "a late answer finds the answer given");
    }

    @Test
    void aNodeThatLeavesAnswersWhatItHeld() {
        CompletableFuture<Response> f = pool.execute(Request.of("echo")).toCompletableFuture();
        pool.close();
        assertEquals(ErrorKind.WORKER_CRASHED, failure(f).kind());
        assertEquals(ErrorKind.SHUTTING_DOWN, failure(pool.execute(Request.of("echo")).toCompletableFuture()).kind());
    }
}
