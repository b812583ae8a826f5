package dev.pooler.core.impl.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids of the frames sent to workers: requests and control calls draw from one counter for the whole
 * framework, so a reply matches exactly one waiter, whichever pool or worker it comes from.
 */
public final class WireIds {

    private static final AtomicLong NEXT = new AtomicLong();

    private WireIds() {
    }

    public static long next() {
        return NEXT.incrementAndGet();
    }
}
