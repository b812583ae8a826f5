package dev.pooler.affinity.internal;

import dev.pooler.api.affinity.AffinityStats;
import java.util.concurrent.atomic.LongAdder;

/** Hits, misses and migrations since the service started (bytes synced are counted by core, where it writes them). Thread-safe. */
final class AffinityCounters {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder migrations = new LongAdder();

    /** A session request answered by a pool: a hit when that pool was the preferred one. */
    void served(boolean onPreferredPool) {
        (onPreferredPool ? hits : misses).increment();
    }

    void migrated() {
        migrations.increment();
    }

    /** The counters, with {@code bytesSynced} as core counted them. */
    AffinityStats stats(long bytesSynced) {
        return new AffinityStats(hits.sum(), misses.sum(), migrations.sum(), bytesSynced);
    }
}
