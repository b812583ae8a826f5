package dev.pooler.core.impl.pool;

import dev.pooler.api.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A worker's pipe when its pool pipelines ({@code pipeline.depth} &gt; 1): the requests written to it behind the one it
 * runs ({@link Worker#current}, the head), oldest first, and the order their frames are written in. The worker's
 * runtime runs frames in the order they arrive, so the head is the one running and the ones behind it have not
 * started; every frame of a pipelining worker is therefore written through {@link #write}, in the order the pool
 * assigned the requests under its lock, whichever thread writes it, several in one write when several wait: the
 * requests a worker's reader thread puts in the pipe while it handles a burst of replies are written together once
 * it has caught up ({@link Worker#onCaughtUp}).
 *
 * <p>Only pipelinable requests ({@link #pipelinable}) go behind a head, and only behind a pipelinable head. {@code behind}
 * is guarded by the lock of the pool the worker serves; {@code unsent} is filled under that lock and emptied by
 * writers outside it.
 */
final class Pipe {

    private final ArrayDeque<PendingRequest> behind = new ArrayDeque<>();
    /** Assigned and not yet written, in assignment order. */
    private final ConcurrentLinkedQueue<PendingRequest> unsent = new ConcurrentLinkedQueue<>();
    /** Held while frames are written, so that two writers never interleave out of order. */
    private final Object writing = new Object();

    /**
     * Whether a request may share a worker's pipe: not a session's (its state version is fixed when it is written, and
     * the request ahead of it could change that state) and not a streaming one (its chunks hold the worker's reader back
     * for as long as its subscriber is slow, and everything behind it would wait for that subscriber).
     */
    static boolean pipelinable(PendingRequest p) {
        return pipelinable(p.request, p.stream != null);
    }

    /** {@link #pipelinable(PendingRequest)} before the request is admitted. */
    static boolean pipelinable(Request request, boolean streaming) {
        return !streaming && request.sessionId() == null;
    }

    /** How many requests wait behind the head. */
    int behind() {
        return behind.size();
    }

    /** A request goes behind the head: it is written after every request assigned before it. */
    void addBehind(PendingRequest p) {
        behind.addLast(p);
    }

    /** The head was answered: the oldest request behind it (already written) runs now; null when none. */
    PendingRequest nextHead() {
        return behind.pollFirst();
    }

    /** Takes out the request behind the head with this wire id; null when none. */
    PendingRequest removeWire(long wireId) {
        for (Iterator<PendingRequest> it = behind.iterator(); it.hasNext(); ) {
            PendingRequest p = it.next();
            if (p.wireId == wireId) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /** Takes out the request behind the head with this request id; null when none. */
    PendingRequest removeRequest(long requestId) {
        for (Iterator<PendingRequest> it = behind.iterator(); it.hasNext(); ) {
            PendingRequest p = it.next();
            if (p.id == requestId) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /** Takes out the requests behind the head whose deadline has passed (empty list when none). */
    List<PendingRequest> removeExpired(long nowNanos) {
        List<PendingRequest> out = null;
        for (Iterator<PendingRequest> it = behind.iterator(); it.hasNext(); ) {
            PendingRequest p = it.next();
            if (nowNanos - p.deadlineNanos >= 0) {
                it.remove();
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(p);
            }
        }
        return out == null ? List.of() : out;
    }

    /** Takes out every request behind the head, oldest first. */
    List<PendingRequest> takeBehind() {
        List<PendingRequest> all = new ArrayList<>(behind);
        behind.clear();
        return all;
    }

    /** Marks a request assigned to this worker as to be written (lock held), in assignment order. */
    void toWrite(PendingRequest p) {
        unsent.add(p);
    }

    /**
     * Writes every request assigned and not yet written, in assignment order (outside the pool's lock). A writer that
     * finds its request already written by another one has nothing to do.
     */
    void write(Worker w) {
        if (unsent.isEmpty()) {
            return;
        }
        synchronized (writing) {
            PendingRequest p;
            boolean any = false;
            while ((p = unsent.poll()) != null) {
                w.process.appendRequest(p.wireId, p.request.command(), p.request.argsJson());
                any = true;
            }
            if (any) {
                w.process.writeAppended(); // a failed write means the process is dying: its exit answers them
            }
        }
    }
}
