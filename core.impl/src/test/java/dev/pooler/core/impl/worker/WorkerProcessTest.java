package dev.pooler.core.impl.worker;

import dev.pooler.core.impl.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.WorkerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One real worker process: control calls matched to their replies, and bounded, checked output. */
class WorkerProcessTest {

    static final Path RUNTIME = Path.of("src/main/resources/python").toAbsolutePath();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService answers = Executors.newCachedThreadPool();
    private final Recorder heard = new Recorder();
    private WorkerProcess worker;

    /** Everything the process says about requests, in order. */
    static class Recorder implements WorkerListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ready = new CompletableFuture<>();

        @Override
        public void onReady(WorkerProcess w) {
            ready.complete(null);
        }

        @Override
        public void onResult(WorkerProcess w, long id, JsonElement result) {
            events.add("result " + id + " " + result);
        }

        @Override
        public void onReply(WorkerProcess w, long id, JsonObject frame) {
            events.add("reply " + id + " " + frame);
        }

        @Override
        public void onBrokenReply(WorkerProcess w, long id, String problem) {
            events.add("broken " + id + " " + problem);
        }

        @Override
        public void onExit(WorkerProcess w, int exitCode, String reason) {
            events.add("exit " + exitCode);
        }
    }

    private WorkerProcess start(int maxReplyBytes) throws Exception {
        worker = new WorkerProcess("wp-1", "wp", WorkerSpec.defaults().withAdapter("bench,testing,text"), null, RUNTIME,
                maxReplyBytes, 200, heard, answers);
        worker.start();
        heard.ready.get(30, TimeUnit.SECONDS);
        return worker;
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.kill();
        }
        timer.shutdownNow();
        answers.shutdownNow();
    }


    private static PoolerException failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return PoolerException.of(e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void aLateControlReplyIsDroppedAndNeverAnswersARequest() throws Exception {
        WorkerProcess w = start(1 << 20);
        long sleeper = WireIds.next();
        assertTrue(w.sendRequest(sleeper, "sleep", "{\"ms\":400}"));
        // Queued behind the sleep, so it cannot answer within its deadline.
        PoolerException e = failure(w.call("configure", new JsonObject(), Duration.ofMillis(50), timer));
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        long next = WireIds.next();
        assertTrue(w.sendRequest(next, "echo", "{\"x\":1}"));
        Await.until("both requests answered", () -> heard.events.size() >= 2);
        Thread.sleep(200); // the configure reply has arrived in between: it must not show up as anything
        assertEquals(List.of("result " + sleeper + " {\"slept_ms\":400}", "result " + next + " {\"x\":1}"), heard.events);
    }

    @Test
    void configureAnswersItsOwnCallInOrderWithRequests() throws Exception {
        WorkerProcess w = start(1 << 20);
        long before = WireIds.next();
        w.sendRequest(before, "echo", "{\"n\":1}");
        JsonObject f = new JsonObject();
        f.addProperty("pool", "elsewhere");
        JsonObject result = w.call("configure", f, Duration.ofSeconds(10), timer).get(30, TimeUnit.SECONDS);
        assertEquals("elsewhere", result.get("pool").getAsString());
        Await.until("the request answered", () -> heard.events.size() == 1);
        assertEquals("result " + before + " {\"n\":1}", heard.events.get(0));
        PoolerException refused = failure(w.call("configure", adapter("no_such_adapter_module"), Duration.ofSeconds(10), timer));
        assertEquals(ErrorKind.WORKER_ERROR, refused.kind());
        assertTrue(refused.getMessage().contains("no_such_adapter_module"), refused.getMessage());
    }

    private static JsonObject adapter(String name) {
        JsonObject f = new JsonObject();
        f.addProperty("adapter", name);
        return f;
    }

    @Test
    void pingsNeverPileUpAndAHungWorkersPingStaysUnanswered() throws Exception {
        WorkerProcess w = start(1 << 20);
        assertTrue(w.ping(Duration.ofSeconds(10), timer));
        Await.until("the pong", () -> w.unansweredPingNanos() == 0);
        // Stop the process (SIGSTOP): it answers nothing, and pings wait instead of piling up.
        new ProcessBuilder("kill", "-STOP", Long.toString(w.pid())).start().waitFor();
        try {
            assertTrue(w.ping(Duration.ofSeconds(10), timer));
            assertFalse(w.ping(Duration.ofSeconds(10), timer), "one ping at a time");
            Thread.sleep(100);
            assertTrue(w.unansweredPingNanos() > 0);
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(w.pid())).start().waitFor();
        }
        Await.until("the pong after all", () -> w.unansweredPingNanos() == 0);
    }

    @Test
    void aReplyOverTheLimitFailsItsRequestNamingTheLimitAndTheWorkerServesOn() throws Exception {
        WorkerProcess w = start(4096);
        long big = WireIds.next();
        w.sendRequest(big, "echo", "{\"s\":\"" + "x".repeat(100_000) + "\"}");
        Await.until("an answer", () -> !heard.events.isEmpty());
        String e = heard.events.get(0);
        assertTrue(e.startsWith("broken " + big + " ") || e.startsWith("reply " + big + " "), e);
        assertTrue(e.contains("4096"), "names the limit: " + e);
        long small = WireIds.next();
        w.sendRequest(small, "echo", "{\"n\":2}");
        Await.until("the next answer", () -> heard.events.size() == 2);
        assertEquals("result " + small + " {\"n\":2}", heard.events.get(1));
        assertTrue(w.isAlive());
    }

    @Test
    void aFrameThePythonSideCannotParseGetsItsErrorAtOnce() throws Exception {
        WorkerProcess w = start(1 << 20);
        long id = WireIds.next();
        // 5,000 digits: Python refuses the integer before it reads the id.
        w.sendRequest(id, "echo", "{\"n\":" + "9".repeat(5000) + "}");
        Await.until("an answer", () -> !heard.events.isEmpty());
        String e = heard.events.get(0);
        assertTrue(e.contains(" " + id + " ") || e.startsWith("broken -1 "), e);
        assertTrue(w.isAlive());
    }

    @Test
    void anyThrowableWhileHandlingAReplyEndsTheWorkerCleanly() throws Exception {
        // A listener that fails as an exhausted heap would: the reader must end the process and report its exit.
        Recorder failing = new Recorder() {
            @Override
            public void onResult(WorkerProcess w, long id, JsonElement result) {
                throw new OutOfMemoryError("simulated while handling reply " + id);
            }
        };
        worker = new WorkerProcess("wp-2", "wp", WorkerSpec.defaults().withAdapter("bench"), null, RUNTIME,
                1 << 20, 200, failing, answers);
        worker.start();
        failing.ready.get(30, TimeUnit.SECONDS);
        long pid = worker.pid();
        worker.sendRequest(WireIds.next(), "echo", "{\"x\":1}");
        Await.until("the worker's exit is reported", () -> failing.events.stream().anyMatch(e -> e.startsWith("exit ")));
        Await.until("the process is gone", () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(worker.isAlive());
    }
}
