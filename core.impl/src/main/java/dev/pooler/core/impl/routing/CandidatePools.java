package dev.pooler.core.impl.routing;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The one rule that says which pools may take a request (the router and {@code PoolRegistry.optimalPool}
 * both use it): pools that serve the capability (and the pool type asked for), whose workers offer the command
 * (when they said), are running, starting or recovering, and were not tried yet. Pools still starting only queue the work, so they are used only
 * when none is running. Zones are the router's next step ({@link ZoneRule}): it needs the pools' loads.
 */
public final class CandidatePools {

    private CandidatePools() {
    }

    /**
     * @param capability the command family, or null for any
     * @param poolType   the pool type asked for, or null
     * @param excluded   ids of pools already tried, or null
     */
    public static List<Pool> of(List<Pool> all, String capability, PoolType poolType, Collection<String> excluded) {
        return of(all, null, capability, poolType, excluded);
    }

    /**
     * @param command the request's command, or null: a pool whose workers said which commands they offer
     *                ({@link Pool#commands()}) and do not offer it is no candidate
     */
    public static List<Pool> of(List<Pool> all, String command, String capability, PoolType poolType,
                                Collection<String> excluded) {
        List<Pool> out = new ArrayList<>(all.size());
        boolean running = false;
        for (Pool p : all) {
            if (excluded != null && excluded.contains(p.id())) {
                continue;
            }
            PoolState state = p.state();
            if (state != PoolState.RUNNING && state != PoolState.STARTING && state != PoolState.RECOVERING) {
                continue;
            }
            PoolConfig c = p.config();
            if ((capability != null && !c.supports(capability)) || (poolType != null && c.poolType() != poolType)) {
                continue;
            }
            if (command != null) {
                java.util.Set<String> offered = p.commands();
                if (!offered.isEmpty() && !offered.contains(command)) {
                    continue;
                }
            }
            out.add(p);
            running |= state == PoolState.RUNNING;
        }
        if (running && out.size() > 1) {
            out.removeIf(p -> p.state() != PoolState.RUNNING);
        }
        return out;
    }
}
