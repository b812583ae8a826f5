package dev.pooler.strategies.roundrobin.internal;

import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.routing.PoolSnapshot;
import java.util.Set;

final class Snapshots {
    private Snapshots() {
    }

    static PoolSnapshot pool(String id, int workers, Priority priority) {
        return new PoolSnapshot(id, PoolType.GENERAL, priority, null, "default", Set.of("all"), workers, 0, 0, 0,
                0.0, 0.0, 1.0, -1, -1);
    }
}
