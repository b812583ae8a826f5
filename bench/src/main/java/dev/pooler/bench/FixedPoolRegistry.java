package dev.pooler.bench;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bench's pools as the router and the sharing service see them: fixed, in the order given. */
public final class FixedPoolRegistry implements PoolRegistry {

    private final List<Pool> pools;

    public FixedPoolRegistry(List<? extends Pool> pools) {
        this.pools = List.copyOf(pools);
    }

    @Override
    public List<Pool> pools() {
        return pools;
    }

    @Override
    public Optional<Pool> pool(String poolId) {
        return pools.stream().filter(p -> p.id().equals(poolId)).findFirst();
    }

    @Override
    public List<Pool> poolsByType(PoolType type) {
        return pools.stream().filter(p -> p.config().poolType() == type).toList();
    }

    @Override
    public Optional<Pool> optimalPool(String requestType, Map<String, ?> requirements) {
        return pools.stream().filter(p -> p.config().supports(requestType))
                .min((x, y) -> Double.compare(load(x), load(y)));
    }

    private static double load(Pool p) {
        var s = p.stats();
        return s.workers() == 0 ? Double.MAX_VALUE : (double) (s.busy() + s.queued()) / s.workers();
    }

    @Override
    public Pool registerPool(PoolConfig config) {
        throw new InvalidConfigException("pool_id", "the benchmark's pools are fixed");
    }

    @Override
    public boolean unregisterPool(String poolId) {
        return false;
    }

    @Override
    public Pool defaultPool() {
        if (pools.isEmpty()) {
            throw new PoolerException(ErrorKind.NO_CAPABLE_POOL, "no pools");
        }
        return pools.get(0);
    }

    @Override
    public boolean rebalanceWorkers() {
        return false;
    }
}
