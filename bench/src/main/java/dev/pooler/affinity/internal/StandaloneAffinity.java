package dev.pooler.affinity.internal;

import dev.pooler.api.PoolRegistry;
import dev.pooler.api.Request;
import dev.pooler.api.affinity.AffinityStats;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import dev.pooler.api.routing.SessionPlacement;
import dev.pooler.api.routing.SessionRouting;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bench's way to the affinity bundle's rules outside OSGi: it lives in the bundle's internal package (on the
 * bench's plain classpath) and builds the real {@link AffinityPolicy} over a {@link PoolRegistry}, without events,
 * pushes or a mapping file, so the bundle carries no hook for it. {@code bounded} false is plain affinity: the
 * pool that ran a new session's first request keeps it, however many sessions it holds.
 */
public final class StandaloneAffinity implements SessionRouting {

    private final AffinityPolicy policy;

    public StandaloneAffinity(PoolRegistry registry, Map<String, ?> configuration, boolean bounded) {
        this.policy = new AffinityPolicy(AffinitySettings.from(configuration), new RegistryPoolDirectory(registry),
                session -> 0, AffinityEvents.NONE, System::currentTimeMillis);
        policy.boundedLoadEpsilon(bounded ? BoundedLoad.EPSILON : BoundedLoad.UNBOUNDED);
    }

    @Override
    public Optional<SessionPlacement> place(Request request, RequestProfile profile, List<PoolSnapshot> candidates) {
        return policy.place(request, profile, candidates);
    }

    @Override
    public void outcome(Request request, RoutingOutcome outcome) {
        policy.outcome(request, outcome);
    }

    /** Hits and misses as the affinity service counts them. */
    public AffinityStats stats() {
        return policy.stats(0);
    }

    public Map<String, Integer> sessionsByPool() {
        return policy.sessionsByPool();
    }
}
