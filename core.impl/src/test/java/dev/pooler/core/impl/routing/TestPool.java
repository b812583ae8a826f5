package dev.pooler.core.impl.routing;

import com.google.gson.JsonPrimitive;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory pool: answers after a configurable delay, or fails the way it is told to. */
final class TestPool implements Pool {

    static final ScheduledExecutorService TIMER = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "test-pool-timer");
        t.setDaemon(true);
        return t;
    });

    private final PoolConfig config;
    volatile PoolState state = PoolState.RUNNING;
    /** Delay before answering; 0 answers on the caller's thread. */
    volatile long latencyMicros;
    /** When set, every request fails with this kind. */
    volatile ErrorKind failWith;
    volatile long rssKb = 50_000;
    final AtomicInteger executed = new AtomicInteger();
    final AtomicInteger busy = new AtomicInteger();
    /** While true, answers wait for {@link #release()} (the pool's workers stay busy). */
    volatile boolean hold;
    private final java.util.Queue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The node it lives on when it stands for another node's pool, else null. */
    volatile String remoteNode;

    TestPool(PoolConfig config) {
        this.config = config;
    }

    static TestPool of(String id, String... capabilities) {
        return new TestPool(PoolConfig.builder().poolId(id).capabilities(capabilities.length == 0 ? new String[] {"all"} : capabilities).build());
    }

    /** The commands its workers say they offer; empty = unknown. */
    volatile java.util.Set<String> commands = java.util.Set.of();

    TestPool commands(String... offered) {
        commands = java.util.Set.of(offered);
        return this;
    }

    @Override
    public java.util.Set<String> commands() {
        return commands;
    }

    TestPool latencyMicros(long v) {
        latencyMicros = v;
        return this;
    }

    TestPool failWith(ErrorKind kind) {
        failWith = kind;
        return this;
    }

    /** Stops holding and answers every held request. */
    void release() {
        hold = false;
        for (Runnable r; (r = held.poll()) != null; ) {
            r.run();
        }
    }

    @Override
    public java.util.Optional<String> remoteNode() {
        return java.util.Optional.ofNullable(remoteNode);
    }

    @Override
    public String id() {
        return config.poolId();
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolState state() {
        return state;
    }

    @Override
    public CompletionStage<Response> execute(Request request) {
        executed.incrementAndGet();
        ErrorKind fail = failWith;
        if (fail == ErrorKind.POOL_OVERLOADED || fail == ErrorKind.SHUTTING_DOWN) {
            return CompletableFuture.failedFuture(new PoolerException(fail, "pool " + id() + " refuses", id()));
        }
        CompletableFuture<Response> f = new CompletableFuture<>();
        long delay = latencyMicros;
        busy.incrementAndGet();
        Runnable answer = () -> {
            busy.decrementAndGet();
            if (fail != null) {
                f.completeExceptionally(new PoolerException(fail, "pool " + id() + " failed", id()));
            } else {
                f.complete(new Response(id(), id() + "-w1", new JsonPrimitive(request.command()), 1_000, delay * 1_000 + 1_000));
            }
        };
        if (hold) {
            held.add(answer);
        } else if (delay <= 0) {
            answer.run();
        } else {
            TIMER.schedule(answer, delay, TimeUnit.MICROSECONDS);
        }
        return f;
    }

    @Override
    public PoolStats stats() {
        int b = Math.min(busy.get(), config.size());
        return new PoolStats(id(), state, config.size(), b, config.size() - b, Math.max(0, busy.get() - b), 0, 0,
                executed.get(), 0, 0, 0, 0, 1.0, 1.0, 2.0, 1.0);
    }

    @Override
    public List<WorkerInfo> workers() {
        List<WorkerInfo> out = new ArrayList<>();
        for (int i = 0; i < config.size(); i++) {
            out.add(new WorkerInfo(id() + "-w" + i, 1000 + i, WorkerState.IDLE, 0, rssKb, id(), id(), 0));
        }
        return out;
    }

    @Override
    public dev.pooler.api.ResponseStream stream(dev.pooler.api.Request request) {
        throw new UnsupportedOperationException("this test pool does not stream");
    }

    @Override
    public boolean cancel(long requestId) {
        return false;
    }
}
