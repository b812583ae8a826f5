package dev.pooler.core.impl.pool;

import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.worker.WireIds;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * Admission and dispatch: the bounded priority queue in front of a pool's workers, and its idle
 * workers (most recently used first, which keeps a warm worker warm). Not thread-safe: guarded by
 * the pool's lock. Sending happens outside the lock, by the caller.
 */
final class Dispatcher {

    private final PoolQueue queue = new PoolQueue();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();

    int queued() {
        return queue.size();
    }

    int idle() {
        return idle.size();
    }

    /**
     * An idle worker for a new request, if one waits and no request is queued ahead: for a session's
     * request, one that already holds the session's current version when there is one (its state need
     * not travel), else the most recently used.
     */
    Worker idleWorkerFor(PendingRequest p, long sessionVersion) {
        if (!queue.isEmpty() || idle.isEmpty()) {
            return null;
        }
        String session = p.request.sessionId();
        if (session != null && sessionVersion > 0) {
            for (Iterator<Worker> it = idle.iterator(); it.hasNext(); ) {
                Worker w = it.next();
                if (w.sessions.holds(session, sessionVersion)) {
                    it.remove();
                    return w;
                }
            }
        }
        return idle.pollFirst();
    }

    /** Queues a request; false when the queue holds {@code maxQueue} already. */
    boolean enqueue(PendingRequest p, int maxQueue) {
        if (queue.size() >= maxQueue) {
            return false;
        }
        queue.add(p);
        return true;
    }

    /** Hands a request to a worker: it is BUSY from now on. */
    static void assign(Worker w, PendingRequest p) {
        w.moveTo(WorkerState.BUSY);
        w.current = p;
        p.wireId = WireIds.next();
        p.sentNanos = System.nanoTime();
    }

    /** A worker has nothing to run: it takes the next queued request (returned, to be sent) or idles. */
    PendingRequest next(Worker w) {
        PendingRequest p = queue.poll();
        if (p != null) {
            assign(w, p);
            return p;
        }
        w.moveTo(WorkerState.IDLE);
        idle.addFirst(w);
        return null;
    }

    /** Takes a worker out of the idle set (it leaves, retires or died). */
    boolean removeIdle(Worker w) {
        return idle.remove(w);
    }

    /** Takes the queued request with this id out of the queue; null when none waits. */
    PendingRequest removeQueued(long requestId) {
        return queue.remove(requestId);
    }

    List<PendingRequest> expired(long nowNanos) {
        return queue.removeExpired(nowNanos);
    }

    List<PendingRequest> drain() {
        return queue.drain();
    }
}
