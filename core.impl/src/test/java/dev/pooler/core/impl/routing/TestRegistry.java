package dev.pooler.core.impl.routing;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolType;
import dev.pooler.api.PoolerException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry over a list of test pools. */
final class TestRegistry implements PoolRegistry {

    final List<Pool> pools = new CopyOnWriteArrayList<>();

    TestRegistry(Pool... pools) {
        this.pools.addAll(List.of(pools));
    }

    @Override
    public List<Pool> pools() {
        return List.copyOf(pools);
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
        return Optional.empty();
    }

    @Override
    public Pool registerPool(PoolConfig config) {
        TestPool p = new TestPool(config);
        pools.add(p);
        return p;
    }

    @Override
    public boolean unregisterPool(String poolId) {
        return pools.removeIf(p -> p.id().equals(poolId));
    }

    @Override
    public Pool defaultPool() {
        if (pools.isEmpty()) {
            throw new PoolerException(ErrorKind.NO_CAPABLE_POOL, "no default pool in this test");
        }
        return pools.get(0);
    }

    @Override
    public boolean rebalanceWorkers() {
        return false;
    }
}
