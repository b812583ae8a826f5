package dev.pooler.strategies.roundrobin.internal;

import dev.pooler.api.Priority;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code weighted_round_robin}: smooth weighted round robin (the scheme nginx uses). Each pick adds
 * every candidate's weight to its running score, takes the highest score and subtracts the total
 * weight from it, so a pool of weight 5 among two of weight 1 is chosen as a a b a c a a, never in
 * bursts. Weight = serving workers x priority factor (HIGH 3, MEDIUM 2, LOW 1).
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("weighted_round_robin")
public final class WeightedRoundRobinStrategy implements LoadBalancingStrategy {

    static final int MAX_GROUPS = 1024;

    /** Running scores of one candidate group (one capability); guarded by itself. */
    private static final class Group {
        final HashMap<String, long[]> current = new HashMap<>();
    }

    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final Group shared = new Group();

    public WeightedRoundRobinStrategy() {
    }

    /** A pool's weight: serving workers (at least one) times its priority factor. */
    static long weight(PoolSnapshot s) {
        return (long) Math.max(1, s.workers()) * factor(s.priority());
    }

    static int factor(Priority p) {
        if (p == null) {
            return 2;
        }
        return switch (p) {
            case HIGH -> 3;
            case MEDIUM -> 2;
            case LOW -> 1;
        };
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        Group g = group(profile);
        synchronized (g) {
            if (g.current.size() > 4 * n + 16) {
                g.current.clear(); // pools came and went; forget the departed
            }
            long total = 0;
            long[] best = null;
            int bestIndex = 0;
            for (int i = 0; i < n; i++) {
                PoolSnapshot s = candidates.get(i);
                long w = weight(s);
                long[] cw = g.current.get(s.poolId());
                if (cw == null) {
                    cw = new long[1];
                    g.current.put(s.poolId(), cw);
                }
                cw[0] += w;
                total += w;
                if (best == null || cw[0] > best[0]) {
                    best = cw;
                    bestIndex = i;
                }
            }
            best[0] -= total;
            return candidates.get(bestIndex);
        }
    }

    private Group group(RequestProfile profile) {
        String key = profile == null || profile.capability() == null ? "" : profile.capability();
        Group g = groups.get(key);
        if (g != null) {
            return g;
        }
        if (groups.size() >= MAX_GROUPS) {
            return shared;
        }
        Group fresh = new Group();
        g = groups.putIfAbsent(key, fresh);
        return g == null ? fresh : g;
    }
}
