package dev.pooler.affinity.internal;

import dev.pooler.api.routing.PoolSnapshot;
import java.util.List;

/**
 * A pool that may take a session's request, with its outstanding work per worker (the tie-break between
 * pools holding as many sessions).
 */
record Candidate(String poolId, double load) {

    static List<Candidate> of(List<PoolSnapshot> snapshots) {
        return snapshots.stream().map(s -> new Candidate(s.poolId(), s.loadPerWorker())).toList();
    }

    static List<Candidate> unloaded(List<String> poolIds) {
        return poolIds.stream().map(id -> new Candidate(id, 0.0)).toList();
    }
}
