package dev.pooler.core.impl.routing;

import dev.pooler.api.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent routing decisions in a lock-free ring. A decision is logged as {@code pending}
 * when made and replaced by its outcome when the answer comes, unless the ring has moved on.
 */
final class DecisionLog {

    private final AtomicReferenceArray<RoutingDecision> ring;
    private final int mask;
    private final AtomicLong next = new AtomicLong();

    /** @param capacity rounded up to a power of two */
    DecisionLog(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.ring = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Logs a decision; returns its sequence number for {@link #settle}. */
    long add(RoutingDecision d) {
        long seq = next.getAndIncrement();
        ring.set((int) (seq & mask), d);
        return seq;
    }

    /** Records the outcome of a logged decision (no-op if the ring has overwritten it). */
    void settle(long seq, RoutingDecision pending, String outcome) {
        if (pending == null) {
            return;
        }
        RoutingDecision done = new RoutingDecision(pending.timestampMillis(), pending.command(), pending.capability(),
                pending.strategy(), pending.poolId(), pending.candidates(), pending.decisionNanos(), outcome);
        ring.compareAndSet((int) (seq & mask), pending, done);
    }

    /** Newest first, at most {@code max}. */
    List<RoutingDecision> recent(int max) {
        long end = next.get();
        int n = (int) Math.min(Math.min(Math.max(0, max), end), capacity());
        List<RoutingDecision> out = new ArrayList<>(n);
        for (long s = end - 1; s >= end - n && s >= 0; s--) {
            RoutingDecision d = ring.get((int) (s & mask));
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }
}
