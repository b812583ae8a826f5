package dev.pooler.core.impl.exchange;

import dev.pooler.core.impl.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerSpec;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live workers moved between real pools of real Python processes, under load. */
class WorkerExchangeTest {

    static final Path RUNTIME = Path.of("src/main/resources/python").toAbsolutePath();
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final PoolRuntime runtime = PoolRuntime.create(RUNTIME, scheduler, EventSink.NONE);
    private final Map<String, PythonPool> pools = new ConcurrentHashMap<>();
    private final List<EventSinkRecord> events = new ArrayList<>();
    private final WorkerExchangeService exchange = new WorkerExchangeService(new PoolLookup() {
        @Override
        public Optional<PythonPool> pool(String poolId) {
            return Optional.ofNullable(pools.get(poolId));
        }

        @Override
        public Collection<PythonPool> pools() {
            return pools.values();
        }
    }, (topic, props) -> {
        synchronized (events) {
            events.add(new EventSinkRecord(topic, props));
        }
    }, scheduler, runtime.answers());

    record EventSinkRecord(String topic, Map<String, ?> props) {
    }

    @AfterEach
    void stopAll() {
        List<Long> pids = new ArrayList<>();
        for (PythonPool p : pools.values()) {
            pids.addAll(p.pids());
        }
        pools.values().forEach(p -> p.stop(Duration.ofSeconds(2)));
        scheduler.shutdownNow();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " outlived its pool");
        }
    }

    private PythonPool pool(String id, int size, WorkerSpec spec) throws InterruptedException {
        PythonPool p = new PythonPool(PoolConfig.builder().poolId(id).size(size).workerSpec(spec).build(), runtime);
        pools.put(id, p);
        p.start();
        assertTrue(p.awaitReady(Duration.ofSeconds(30)), "pool " + id + " did not start");
        return p;
    }

    private PythonPool pool(String id, int size) throws InterruptedException {
        return pool(id, size, WorkerSpec.defaults().withAdapter("bench,testing"));
    }

    private static JsonObject n(int n) {
        JsonObject o = new JsonObject();
        o.addProperty("n", n);
        return o;
    }


    private static <T> T join(java.util.concurrent.CompletionStage<T> s) {
        return s.toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static PoolerException failure(java.util.concurrent.CompletionStage<?> s) {
        try {
            join(s);
        } catch (RuntimeException e) {
            return PoolerException.of(e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void oneWorkerMovedBackAndForthAHundredTimesUnderLoadLosesNothing() throws Exception {
        PythonPool a = pool("a", 2);
        PythonPool b = pool("b", 2);
        String moving = a.workers().get(0).workerId();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong answeredOk = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        // Counted at the source: each request's own future, checked for its own answer.
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            PythonPool target = c % 2 == 0 ? a : b;
            int base = c * 1_000_000;
            Thread t = new Thread(() -> {
                List<CompletableFuture<Response>> window = new ArrayList<>();
                List<Integer> ids = new ArrayList<>();
                int i = 0;
                while (!stop.get()) {
                    for (int k = 0; k < 4; k++, i++) {
                        ids.add(base + i);
                        window.add(target.execute(Request.of("echo", n(base + i))).toCompletableFuture());
                        sent.incrementAndGet();
                    }
                    for (int k = 0; k < window.size(); k++) {
                        try {
                            Response r = window.get(k).orTimeout(30, TimeUnit.SECONDS).join();
                            if (r.result().getAsJsonObject().get("n").getAsInt() == ids.get(k)) {
                                answeredOk.incrementAndGet();
                            } else {
                                wrong.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                    window.clear();
                    ids.clear();
                }
            });
            t.start();
            clients.add(t);
        }
        for (int i = 0; i < 100; i++) {
            WorkerExchange.Mode mode = i % 4 < 2 ? WorkerExchange.Mode.GRACEFUL : WorkerExchange.Mode.IMMEDIATE;
            String to = i % 2 == 0 ? "b" : "a";
            WorkerInfo w = join(exchange.move(moving, to, mode, DEADLINE, "test"));
            assertEquals(to, w.servingPool());
            assertEquals("a", w.ownerPool());
            PoolStats sa = a.stats();
            PoolStats sb = b.stats();
            assertEquals(i % 2 == 0 ? 1 : 0, sa.lent(), "a lends it while b has it");
            assertEquals(i % 2 == 0 ? 1 : 0, sb.borrowed());
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join(60_000);
        }
        assertEquals(null, firstFailure.get(), "no request failed");
        assertEquals(0, wrong.get(), "no request got another's answer");
        assertEquals(sent.get(), answeredOk.get(), "every request answered");
        assertEquals(0, a.duplicateAnswers() + b.duplicateAnswers(), "no request answered twice");
        assertEquals(a.stats().completed() + b.stats().completed(), answeredOk.get(), "completions counted at the pools");
        assertEquals(2, a.stats().workers());
        assertEquals(2, b.stats().workers());
        assertEquals(0, a.stats().lent() + b.stats().borrowed());
        assertEquals(0, a.stats().crashes() + b.stats().crashes());
        long migrated;
        synchronized (events) {
            migrated = events.stream().filter(e -> e.topic().endsWith("WORKER_MIGRATED")
                    && Boolean.TRUE.equals(e.props().get("success"))).count();
        }
        assertEquals(100, migrated);
    }

    @Test
    void aLentWorkerShowsItsOwnerAndServingPoolAndServesTheBorrower() throws Exception {
        PythonPool a = pool("a", 2);
        PythonPool b = pool("b", 1, WorkerSpec.defaults().withAdapter("bench,testing,text"));
        WorkerInfo w = a.workers().get(0);
        WorkerInfo moved = join(exchange.move(w.workerId(), "b", WorkerExchange.Mode.GRACEFUL, DEADLINE, "test"));
        assertTrue(moved.lent());
        assertEquals(1, a.stats().lent());
        assertEquals(1, a.stats().workers(), "a serves with the worker it kept");
        assertEquals(2, b.stats().workers(), "b serves with its own and the borrowed one");
        assertEquals(1, b.stats().borrowed());
        assertEquals(1, a.workers().size(), "a launched no replacement for a worker it lent");
        // The lent worker was re-targeted to b's adapters: it runs text commands now.
        boolean servedByLent = false;
        for (int i = 0; i < 200 && !servedByLent; i++) {
            servedByLent = join(b.execute(Request.of("embed", textArgs("hello " + i)))).workerId().equals(w.workerId());
        }
        assertTrue(servedByLent, "the borrowed worker serves b's text commands");
        join(exchange.giveBack(w.workerId(), WorkerExchange.Mode.GRACEFUL, DEADLINE));
        assertEquals(2, a.stats().workers());
        assertEquals(0, a.stats().lent());
        assertEquals(0, b.stats().borrowed());
    }

    private static JsonObject textArgs(String text) {
        JsonObject o = new JsonObject();
        o.addProperty("text", text);
        return o;
    }

    @Test
    void aMoveWhoseConfigureFailsRollsBack(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("only_here.py"), "COMMANDS = {'here': lambda args, ctx: 'here'}\n");
        PythonPool a = pool("a", 2);
        // b's own workers find only_here on their path; a's workers do not, so one cannot be re-targeted to b.
        PythonPool b = pool("b", 1, new WorkerSpec("python3", "bench,only_here", Map.of("PYTHONPATH", dir.toString()),
                WorkerSpec.DEFAULT_START_TIMEOUT));
        assertEquals("here", join(b.execute(Request.of("here"))).result().getAsString());
        WorkerInfo w = a.workers().get(0);
        PoolerException e = failure(exchange.move(w.workerId(), "b", WorkerExchange.Mode.GRACEFUL, DEADLINE, "test"));
        assertEquals(ErrorKind.WORKER_ERROR, e.kind());
        assertTrue(e.getMessage().contains("only_here"), e.getMessage());
        Await.until("the worker is back in a", () -> a.workers().stream().anyMatch(x -> x.workerId().equals(w.workerId())));
        assertEquals(w.pid(), a.workers().stream().filter(x -> x.workerId().equals(w.workerId())).findFirst().get().pid(),
                "the same process, not a replacement");
        assertEquals(2, a.stats().workers());
        assertEquals(0, a.stats().lent());
        assertEquals(0, b.stats().borrowed());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, join(a.execute(Request.of("echo", n(i)))).result().getAsJsonObject().get("n").getAsInt());
        }
        assertEquals(0, a.stats().crashes());
    }

    @Test
    void aBorrowedWorkerKilledWithSigkillIsReplacedByItsOwner() throws Exception {
        PythonPool a = pool("a", 2);
        PythonPool b = pool("b", 1);
        WorkerInfo w = join(exchange.move(a.workers().get(0).workerId(), "b", WorkerExchange.Mode.IMMEDIATE, DEADLINE, "test"));
        assertEquals(1, b.stats().borrowed());
        ProcessHandle.of(w.pid()).orElseThrow().destroyForcibly();
        Await.until("b forgets the borrowed worker", () -> b.stats().borrowed() == 0 && b.stats().workers() == 1);
        Await.until("a replaces it", () -> a.stats().workers() == 2 && a.stats().lent() == 0);
        assertFalse(a.pids().contains(w.pid()));
        assertEquals(1, a.stats().crashes(), "the crash counts against its owner");
        assertEquals(0, b.stats().crashes());
        assertEquals(1, a.stats().restarts());
    }

    @Test
    void anImmediateMoveAnswersTheRequestTheWorkerWasRunning() throws Exception {
        PythonPool a = pool("a", 1);
        PythonPool b = pool("b", 1);
        String id = a.workers().get(0).workerId();
        JsonObject ms = new JsonObject();
        ms.addProperty("ms", 500);
        CompletableFuture<Response> running = a.execute(Request.of("sleep", ms)).toCompletableFuture();
        Await.until("it runs", () -> a.stats().busy() == 1);
        WorkerInfo moved = join(exchange.move(id, "b", WorkerExchange.Mode.IMMEDIATE, DEADLINE, "test"));
        assertEquals("b", moved.servingPool());
        Response r = join(running);
        assertEquals(id, r.workerId());
        assertEquals("a", r.poolId(), "answered for the pool that accepted it");
        assertEquals(0, a.duplicateAnswers() + b.duplicateAnswers());
        assertEquals(1, a.stats().completed());
        Await.until("a launched nothing, it lent its only worker", () -> a.stats().lent() == 1 && a.stats().workers() == 0);
    }

    @Test
    void aGracefulDetachThatCannotFinishInTimeLeavesTheWorkerWhereItWas() throws Exception {
        PythonPool a = pool("a", 1);
        pool("b", 1);
        String id = a.workers().get(0).workerId();
        JsonObject ms = new JsonObject();
        ms.addProperty("ms", 1500);
        CompletableFuture<Response> running = a.execute(Request.of("sleep", ms)).toCompletableFuture();
        Await.until("it runs", () -> a.stats().busy() == 1);
        PoolerException e = failure(exchange.move(id, "b", WorkerExchange.Mode.GRACEFUL, Duration.ofMillis(200), "test"));
        assertEquals(ErrorKind.TIMEOUT, e.kind());
        join(running);
        assertEquals(1, a.stats().workers());
        assertEquals(0, a.stats().lent());
        assertEquals(7, join(a.execute(Request.of("echo", n(7)))).result().getAsJsonObject().get("n").getAsInt());
    }

    @Test
    void workerIdsAreNeverReusedWhenAPoolIsCreatedAgain() throws Exception {
        PythonPool first = pool("p", 2);
        List<String> before = first.workers().stream().map(WorkerInfo::workerId).toList();
        first.stop(Duration.ofSeconds(2));
        pools.remove("p");
        PythonPool again = pool("p", 2);
        for (WorkerInfo w : again.workers()) {
            assertFalse(before.contains(w.workerId()), w.workerId() + " was used before");
        }
        assertNotEquals(before, again.workers().stream().map(WorkerInfo::workerId).toList());
    }

    @Test
    void callersCodeNeverRunsOnAWorkersReaderThread() throws Exception {
        PythonPool a = pool("a", 1);
        CountDownLatch secondAnswered = new CountDownLatch(1);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        AtomicInteger callbacks = new AtomicInteger();
        // A slow consumer of the first answer: it blocks until the second request, on the same single
        // worker, has been answered. On the reader thread this would deadlock.
        CompletableFuture<Response> first = a.execute(Request.of("echo", n(1))).toCompletableFuture();
        CompletableFuture<Void> consumer = first.thenAccept(r -> {
            callbackThread.set(Thread.currentThread().getName());
            callbacks.incrementAndGet();
            try {
                secondAnswered.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.until("the first callback runs", () -> callbacks.get() == 1);
        Response second = join(a.execute(Request.of("echo", n(2))));
        secondAnswered.countDown();
        assertEquals(2, second.result().getAsJsonObject().get("n").getAsInt());
        join(consumer);
        assertFalse(callbackThread.get().startsWith("pooler-worker-"), "ran on " + callbackThread.get());
    }
}
