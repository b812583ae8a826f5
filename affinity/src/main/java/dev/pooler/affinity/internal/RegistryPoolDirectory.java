package dev.pooler.affinity.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.PoolState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@link PoolDirectory} over the platform's {@link PoolRegistry}. */
final class RegistryPoolDirectory implements PoolDirectory {

    private final PoolRegistry registry;

    RegistryPoolDirectory(PoolRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean exists(String poolId) {
        return registry.pool(poolId).isPresent();
    }

    @Override
    public String whyUnavailable(String poolId, String capability) {
        Optional<Pool> p = registry.pool(poolId);
        if (p.isEmpty()) {
            return "pool_gone";
        }
        if (capability != null && !p.get().config().supports(capability)) {
            return "request_type_unsupported";
        }
        return "pool_" + p.get().state().name().toLowerCase(Locale.ROOT);
    }

    /** Pools serving the capability that take work now (running, or recovering with its probe). */
    @Override
    public List<String> capable(String capability) {
        List<String> out = new ArrayList<>();
        for (Pool p : registry.pools()) {
            PoolState s = p.state();
            if ((s == PoolState.RUNNING || s == PoolState.RECOVERING) && (capability == null || p.config().supports(capability))) {
                out.add(p.id());
            }
        }
        return out;
    }
}
