package dev.pooler.core.impl.pool;

import java.util.ArrayDeque;

/** Counts restarts in a sliding window: more than {@code max} within {@code windowNanos} trips it. Guarded by the pool's lock. */
final class RestartIntensity {

    private final ArrayDeque<Long> restarts = new ArrayDeque<>();
    private int max;
    private long windowNanos;

    RestartIntensity(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    void reconfigure(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /** Records one restart at {@code nowNanos}; returns true if that exceeds the limit. */
    boolean record(long nowNanos) {
        restarts.addLast(nowNanos);
        while (!restarts.isEmpty() && nowNanos - restarts.peekFirst() > windowNanos) {
            restarts.removeFirst();
        }
        return restarts.size() > max;
    }

    int recent() {
        return restarts.size();
    }

    void reset() {
        restarts.clear();
    }
}
