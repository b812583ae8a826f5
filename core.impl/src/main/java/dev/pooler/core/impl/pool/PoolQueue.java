package dev.pooler.core.impl.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded wait queue of a pool: FIFO within each request priority; across priorities a
 * smooth weighted round robin (high 6, normal 3, low 1), so low-priority work is slowed but never
 * starved. Not thread-safe: the pool guards it with its lock.
 */
final class PoolQueue {

    private static final int[] WEIGHTS = {6, 3, 1};

    private final ArrayDeque<PendingRequest>[] levels;
    private final int[] current = new int[3];
    private int size;

    @SuppressWarnings("unchecked")
    PoolQueue() {
        levels = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>()};
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(PendingRequest p) {
        levels[p.request.priority().ordinal()].addLast(p);
        size++;
    }

    /** Puts a request back at the head of its priority's line (it was written to a worker that never ran it). */
    void addFirst(PendingRequest p) {
        levels[p.request.priority().ordinal()].addFirst(p);
        size++;
    }

    /** The request {@link #poll} would return, if {@code ok} accepts it (then taken out); else null and nothing changes. */
    PendingRequest pollIf(java.util.function.Predicate<PendingRequest> ok) {
        if (size == 0) {
            return null;
        }
        int best = -1;
        for (int i = 0; i < 3; i++) {
            if (!levels[i].isEmpty() && (best < 0 || current[i] + WEIGHTS[i] > current[best] + WEIGHTS[best])) {
                best = i;
            }
        }
        return ok.test(levels[best].peekFirst()) ? poll() : null;
    }

    PendingRequest poll() {
        if (size == 0) {
            return null;
        }
        int best = -1;
        int total = 0;
        for (int i = 0; i < 3; i++) {
            if (levels[i].isEmpty()) {
                continue;
            }
            current[i] += WEIGHTS[i];
            total += WEIGHTS[i];
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        size--;
        return levels[best].pollFirst();
    }

    /** Removes and returns the queued request with this id, or null. */
    PendingRequest remove(long requestId) {
        for (ArrayDeque<PendingRequest> level : levels) {
            for (java.util.Iterator<PendingRequest> it = level.iterator(); it.hasNext(); ) {
                PendingRequest p = it.next();
                if (p.id == requestId) {
                    it.remove();
                    size--;
                    return p;
                }
            }
        }
        return null;
    }

    /** Removes and returns the requests whose deadline has passed. */
    List<PendingRequest> removeExpired(long nowNanos) {
        if (size == 0) {
            return List.of();
        }
        List<PendingRequest> out = new ArrayList<>();
        for (ArrayDeque<PendingRequest> level : levels) {
            level.removeIf(p -> {
                if (nowNanos - p.deadlineNanos >= 0) {
                    out.add(p);
                    return true;
                }
                return false;
            });
        }
        size -= out.size();
        return out;
    }

    /** Removes and returns everything waiting. */
    List<PendingRequest> drain() {
        List<PendingRequest> all = new ArrayList<>(size);
        for (ArrayDeque<PendingRequest> level : levels) {
            all.addAll(level);
            level.clear();
        }
        size = 0;
        return all;
    }
}
