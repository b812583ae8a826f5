package dev.pooler.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Every pool of the platform: those configured through ConfigAdmin and those registered in code. */
@ProviderType
public interface PoolRegistry {

    /** All pools, in a stable order (by id). */
    List<Pool> pools();

    Optional<Pool> pool(String poolId);

    /** Pools of one type, by id. */
    List<Pool> poolsByType(PoolType type);

    /**
     * The pool best placed to serve a request of the given type (a command family such as
     * {@code embedding}, or a command name) now: capable, running, least loaded relative to its size.
     *
     * @param requirements optional hints: {@code pool_type}, {@code zone}, {@code specialization}
     */
    Optional<Pool> optimalPool(String requestType, Map<String, ?> requirements);

    /**
     * Starts a pool from code (the seed's {@code register_pool}). Its workers launch at once.
     * Throws {@link InvalidConfigException} if a pool with that id exists.
     */
    Pool registerPool(PoolConfig config);

    /** Stops and removes a pool that was registered from code. Returns whether one was removed. */
    boolean unregisterPool(String poolId);

    /**
     * The seed's single-pool API: the pool named {@value #DEFAULT_POOL}. When no pool is configured at
     * all, it is started on first use with the default configuration (size 4, adapters bench and text);
     * when pools are configured but none has that name, the first general pool (or else the first pool).
     * Throws {@link PoolerException} ({@code NO_CAPABLE_POOL}) only if it cannot be started.
     */
    Pool defaultPool();

    /** Id of the pool started when nothing is configured. */
    String DEFAULT_POOL = "default";

    /** Asks the worker-sharing service, where one is installed, to rebalance now. Returns whether one ran. */
    boolean rebalanceWorkers();
}
