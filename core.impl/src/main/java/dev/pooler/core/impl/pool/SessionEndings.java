package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.session.SessionStoreImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Ends on the workers the sessions the store lets go (expired, evicted past its bound, deleted): every worker
 * holding one is sent {@code end_session} ({@link PythonPool#endSessions}). Never on a request's path: the store
 * only notes the id; one task on the answer executor at a time drains what was noted, in batches, and skips a
 * session that the store holds again by then (a new request started it afresh). A periodic sweep lets the store
 * expire unused sessions even when nobody asks it anything.
 */
public final class SessionEndings implements AutoCloseable {

    /** How often the store is asked to let expired sessions go. */
    static final Duration SWEEP = Duration.ofSeconds(30);

    private final SessionStoreImpl store;
    private final PoolLookup pools;
    private final Executor executor;
    private final Set<String> noted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Consumer<String> listener = this::note;
    private final ScheduledFuture<?> sweep;

    private SessionEndings(PoolRuntime rt, PoolLookup pools) {
        this.store = rt.sessions();
        this.pools = pools;
        this.executor = rt.answers();
        store.addEndListener(listener);
        this.sweep = rt.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Starts ending the sessions {@code rt}'s store lets go on the workers of {@code pools}; close to stop. */
    public static SessionEndings start(PoolRuntime rt, PoolLookup pools) {
        return new SessionEndings(rt, pools);
    }

    /** Lets the store expire what is past its time to live now (the ids come back through the listener). */
    public void sweep() {
        try {
            store.expire();
        } catch (RuntimeException e) {
            System.getLogger(SessionEndings.class.getName()).log(System.Logger.Level.WARNING, "session sweep failed", e);
        }
    }

    /** Under the store's lock (maybe a pool's): only notes the id and makes sure a drain runs. */
    private void note(String sessionId) {
        noted.add(sessionId);
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                draining.set(false);
            }
        }
    }

    private void drain() {
        do {
            try {
                List<String> batch = new ArrayList<>();
                for (String id : noted) {
                    if (noted.remove(id) && store.get(id).isEmpty()) {
                        batch.add(id);
                    }
                }
                if (!batch.isEmpty()) {
                    for (PythonPool p : pools.pools()) {
                        p.endSessions(batch);
                    }
                }
            } finally {
                draining.set(false);
            }
        } while (!noted.isEmpty() && draining.compareAndSet(false, true));
    }

    @Override
    public void close() {
        store.removeEndListener(listener);
        sweep.cancel(false);
    }
}
