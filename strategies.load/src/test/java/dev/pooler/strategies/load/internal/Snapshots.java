package dev.pooler.strategies.load.internal;

import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.routing.PoolSnapshot;
import java.util.Set;

final class Snapshots {
    private Snapshots() {
    }

    /** A pool with {@code workers} workers and {@code inFlight} outstanding requests (busy first, then queued). */
    static PoolSnapshot pool(String id, int workers, int inFlight) {
        int busy = Math.min(workers, inFlight);
        return new PoolSnapshot(id, PoolType.GENERAL, Priority.MEDIUM, null, "default", Set.of("all"), workers, busy,
                inFlight - busy, inFlight, 0.0, 0.0, 1.0, -1, -1);
    }

    static PoolSnapshot withResources(PoolSnapshot s, long rssKb, double cpu, double health) {
        return new PoolSnapshot(s.poolId(), s.type(), s.priority(), s.specialization(), s.zone(), s.capabilities(),
                s.workers(), s.busy(), s.queued(), s.inFlight(), s.meanServiceMs(), s.meanLatencyMs(), health, rssKb, cpu);
    }
}
