package dev.pooler.affinity.internal;

import dev.pooler.api.affinity.AffinityStats;
import java.util.concurrent.atomic.LongAdder;

/** Hits, misses, migrations and bytes moved, since the service started. Thread-safe. */
final class AffinityCounters {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder migrations = new LongAdder();
    private final LongAdder bytesSynced = new LongAdder();

    /** A session request answered by a pool: a hit when that pool was the preferred one. */
    void served(boolean onPreferredPool) {
        (onPreferredPool ? hits : misses).increment();
    }

    void migrated(long dataSize) {
        migrations.increment();
        bytesSynced.add(dataSize);
    }

    AffinityStats stats() {
        return new AffinityStats(hits.sum(), misses.sum(), migrations.sum(), bytesSynced.sum());
    }
}
