package dev.pooler.core.impl.pool;

import java.util.Collection;
import java.util.Optional;

/** The pools this bundle runs, by id (what moving a worker needs to find its source and target). */
public interface PoolLookup {

    Optional<PythonPool> pool(String poolId);

    Collection<PythonPool> pools();
}
