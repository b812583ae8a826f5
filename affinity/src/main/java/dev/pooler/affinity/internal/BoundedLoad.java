package dev.pooler.affinity.internal;

import java.util.List;
import java.util.Map;

/**
 * Placement of new sessions with bounded load (consistent hashing with bounded loads, Mirrokni et al. 2018):
 * a pool may hold at most {@code ceil((1 + ε) × (sessions + 1) / pools)} sessions of the capable pools, counting
 * the one being placed. When the strategy's pick is full, the session goes to the capable pool with the fewest
 * sessions (ties: the least outstanding work, then the candidates' order). With ε = 0.25 no pool holds more than
 * a quarter above the average, so a few heavy session mixes cannot pile onto the pool a strategy happens to favour
 * (the ring-hash hot spot), while the strategy still decides whenever the pools are near balance.
 */
final class BoundedLoad {

    /** ε: how far above the average number of sessions per capable pool a pool may go. */
    static final double EPSILON = 0.25;
    /** No bound: the strategy's pick always keeps the session (plain affinity, for comparison in the bench). */
    static final double UNBOUNDED = Double.POSITIVE_INFINITY;

    private BoundedLoad() {
    }

    /** The most sessions one of {@code pools} pools may hold once {@code sessions + 1} are placed. */
    static long capacity(long sessions, int pools) {
        return capacity(sessions, pools, EPSILON);
    }

    /** The same with another ε ({@link #UNBOUNDED}: {@link Long#MAX_VALUE}). */
    static long capacity(long sessions, int pools, double epsilon) {
        return (long) Math.ceil((1 + epsilon) * (sessions + 1) / Math.max(1, pools));
    }

    /**
     * Where a new session goes.
     *
     * @param picked     the pool the strategy chose
     * @param candidates the capable pools of the request
     * @param sessions   sessions per pool now
     * @param epsilon    ε ({@link #EPSILON} in the framework)
     */
    static String place(String picked, List<Candidate> candidates, Map<String, Integer> sessions, double epsilon) {
        if (candidates.isEmpty()) {
            return picked;
        }
        long total = 0;
        for (Candidate c : candidates) {
            total += sessions.getOrDefault(c.poolId(), 0);
        }
        if (sessions.getOrDefault(picked, 0) + 1 <= capacity(total, candidates.size(), epsilon)) {
            return picked;
        }
        return leastLoaded(candidates, sessions);
    }

    /** The candidate with the fewest sessions, then the least outstanding work, then the first. */
    static String leastLoaded(List<Candidate> candidates, Map<String, Integer> sessions) {
        Candidate best = null;
        int bestSessions = Integer.MAX_VALUE;
        for (Candidate c : candidates) {
            int n = sessions.getOrDefault(c.poolId(), 0);
            if (best == null || n < bestSessions || (n == bestSessions && c.load() < best.load())) {
                best = c;
                bestSessions = n;
            }
        }
        return best == null ? null : best.poolId();
    }
}
