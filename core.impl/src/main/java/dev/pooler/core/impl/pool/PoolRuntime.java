package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.adapters.BundledAdapters;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.session.SessionStoreImpl;
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
 * heartbeat interval, the store of sessions' state, how that state is shipped to workers, and the adapters
 * bundles deliver.
 */
public record PoolRuntime(Path runtimeDir, ScheduledExecutorService scheduler, ExecutorService answers, EventSink events,
                          AtomicLong workerIds, Duration heartbeat, SessionStoreImpl sessions, SessionShipping shipping,
                          BundledAdapters adapters) {

    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    /** A runtime with its own answer executor (daemon threads, created as needed, idle ones end after a minute). */
    public static PoolRuntime create(Path runtimeDir, ScheduledExecutorService scheduler, EventSink events) {
        return new PoolRuntime(runtimeDir, scheduler, answerExecutor(), events, new AtomicLong(), DEFAULT_HEARTBEAT,
                SessionStoreImpl.withDefaults(), new SessionShipping(), new BundledAdapters());
    }

    public PoolRuntime withHeartbeat(Duration interval) {
        return new PoolRuntime(runtimeDir, scheduler, answers, events, workerIds, interval, sessions, shipping, adapters);
    }

    /** The same runtime keeping sessions' state in {@code store}. */
    public PoolRuntime withSessions(SessionStoreImpl store) {
        return new PoolRuntime(runtimeDir, scheduler, answers, events, workerIds, heartbeat, store, shipping, adapters);
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
