package dev.pooler.strategies.roundrobin.internal;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * {@code round_robin}: the candidates in turn. One cursor per capability, because requests of
 * different families see different candidate lists and a shared cursor would skew each of them.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("round_robin")
public final class RoundRobinStrategy implements LoadBalancingStrategy {

    /** Past this many capabilities, new ones share one cursor (commands are caller-chosen strings). */
    static final int MAX_CURSORS = 1024;

    private final ConcurrentHashMap<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final AtomicInteger shared = new AtomicInteger();

    public RoundRobinStrategy() {
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        return candidates.get(Math.floorMod(cursor(profile).getAndIncrement(), n));
    }

    int cursorCount() {
        return cursors.size();
    }

    private AtomicInteger cursor(RequestProfile profile) {
        String key = profile == null || profile.capability() == null ? "" : profile.capability();
        AtomicInteger c = cursors.get(key);
        if (c != null) {
            return c;
        }
        if (cursors.size() >= MAX_CURSORS) {
            return shared;
        }
        AtomicInteger fresh = new AtomicInteger();
        c = cursors.putIfAbsent(key, fresh);
        return c == null ? fresh : c;
    }
}
