package dev.pooler.core.impl.pool;

import dev.pooler.api.WorkerState;
import dev.pooler.core.impl.worker.WireIds;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

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

    /** At {@code pipeline.depth} &gt; 1: the head just assigned is written through the worker's pipe, in order. */
    static void pipeHead(Worker w, PendingRequest p) {
        p.piped = true;
        w.pipe().toWrite(p);
    }

    /** At {@code pipeline.depth} &gt; 1: a request goes behind the worker's head, written after it. */
    static void pipeBehind(Worker w, PendingRequest p) {
        p.wireId = WireIds.next();
        p.sentNanos = System.nanoTime();
        p.piped = true;
        Pipe pipe = w.pipe();
        pipe.addBehind(p);
        pipe.toWrite(p);
    }

    /**
     * The busy worker with the fewest requests in its pipe, if that is fewer than {@code depth} and a new request may go
     * behind its head ({@code fit}); null when none. Only when no request is queued ahead.
     */
    Worker roomiest(List<Worker> members, int depth, Predicate<Worker> fit) {
        if (!queue.isEmpty()) {
            return null;
        }
        Worker best = null;
        int least = depth;
        for (Worker m : members) {
            int held = 1 + m.behind();
            if (held < least && m.state() == WorkerState.BUSY && fit.test(m)) {
                best = m;
                least = held;
            }
        }
        return best;
    }

    /** The next queued request, if it may be pipelined; else null (it waits for a worker with an empty pipe). */
    PendingRequest nextPipelinable() {
        return queue.pollIf(Pipe::pipelinable);
    }

    /** Requests that were written to a worker that never started them go back to the head of the queue, in order. */
    void requeueFirst(List<PendingRequest> unstarted) {
        for (int i = unstarted.size() - 1; i >= 0; i--) {
            PendingRequest p = unstarted.get(i);
            p.unsend();
            queue.addFirst(p);
        }
    }

    /** An idle worker, to take a queued request; null when none. */
    Worker pollIdle() {
        return idle.pollFirst();
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
