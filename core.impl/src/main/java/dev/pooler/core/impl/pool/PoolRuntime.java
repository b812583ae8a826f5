package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.adapters.BundledAdapters;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.session.SessionStoreImpl;
import dev.pooler.core.impl.tools.ToolCalls;
import dev.pooler.core.impl.tools.ToolRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every pool of a framework shares: the Python runtime's folder, the supervision scheduler, the
 * executor answers are delivered on (never a worker's reader thread), events, the worker-id counter
 * (ids are unique for the life of the framework, across pools deleted and created again), the
 * heartbeat interval, the store of sessions' state, how that state is shipped to workers, the adapters
 * bundles deliver, and the tools workers call.
 */
public record PoolRuntime(Path runtimeDir, ScheduledExecutorService scheduler, ExecutorService answers, EventSink events,
                          AtomicLong workerIds, Duration heartbeat, SessionStoreImpl sessions, SessionShipping shipping,
                          BundledAdapters adapters, ToolCalls tools) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    /** A runtime with its own answer executor (daemon threads, created as needed, idle ones end after a minute). */
    public static PoolRuntime create(Path runtimeDir, ScheduledExecutorService scheduler, EventSink events) {
        ExecutorService answers = answerExecutor();
        return new PoolRuntime(runtimeDir, scheduler, answers, events, new AtomicLong(), DEFAULT_HEARTBEAT,
                SessionStoreImpl.withDefaults(), new SessionShipping(), new BundledAdapters(),
                new ToolCalls(new ToolRegistry(), scheduler, answers));
    }

    public PoolRuntime withHeartbeat(Duration interval) {
        return new PoolRuntime(runtimeDir, scheduler, answers, events, workerIds, interval, sessions, shipping, adapters, tools);
    }

    /** The same runtime keeping sessions' state in {@code store}. */
    public PoolRuntime withSessions(SessionStoreImpl store) {
        return new PoolRuntime(runtimeDir, scheduler, answers, events, workerIds, heartbeat, store, shipping, adapters, tools);
    }

    /** The same runtime answering tool calls from {@code registry}. */
    public PoolRuntime withTools(ToolRegistry registry) {
        return new PoolRuntime(runtimeDir, scheduler, answers, events, workerIds, heartbeat, sessions, shipping, adapters,
                new ToolCalls(registry, scheduler, answers));
    }

    /**
     * Threads that complete callers' stages. Unbounded on purpose: a caller's slow callback (an HTTP
     * reply to a client that reads slowly) holds one of these, never a worker.
     */
    public static ExecutorService answerExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pooler-answer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
