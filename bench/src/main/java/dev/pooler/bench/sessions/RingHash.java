package dev.pooler.bench.sessions;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A ring-hash strategy, one point per pool: a request goes to the first pool clockwise from its session id's hash
 * (a request without a session to the first candidate). Load-oblivious on purpose: what a new session gets from a
 * consistent-hashing balancer before any bound applies.
 */
final class RingHash implements LoadBalancingStrategy {

    static final String NAME = "ring_hash";

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        if (profile.sessionId() == null) {
            return candidates.get(0);
        }
        long key = hash(profile.sessionId());
        PoolSnapshot best = null;
        long bestDistance = Long.MAX_VALUE;
        for (PoolSnapshot c : candidates) {
            long distance = hash(c.poolId()) - key; // clockwise distance on the ring of 2^64 points
            if (best == null || Long.compareUnsigned(distance, bestDistance) < 0) {
                best = c;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** FNV-1a over the UTF-8 bytes, then a 64-bit finalizer so that close names land far apart. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
