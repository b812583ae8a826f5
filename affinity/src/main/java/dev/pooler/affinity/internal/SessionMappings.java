package dev.pooler.affinity.internal;

import dev.pooler.api.affinity.SessionMapping;
import dev.pooler.api.routing.AffinityStrength;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session → pool table: one {@link SessionMapping} per session, replaced whole on every change, and
 * expired {@code timeoutMillis} after its last access. Reads never return an expired mapping; {@link #expire}
 * removes them all. Thread-safe; the clock is the caller's ({@code now} in milliseconds).
 */
final class SessionMappings {

    private final ConcurrentHashMap<String, SessionMapping> bySession = new ConcurrentHashMap<>();
    private volatile long timeoutMillis;

    SessionMappings(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    void timeoutMillis(long millis) {
        this.timeoutMillis = millis;
    }

    private boolean expired(SessionMapping m, long now) {
        return now - m.lastAccessMillis() >= timeoutMillis;
    }

    /** The session's mapping, unless it has none or it expired (then it is removed). */
    SessionMapping get(String sessionId, long now) {
        SessionMapping m = bySession.get(sessionId);
        if (m != null && expired(m, now)) {
            bySession.remove(sessionId, m);
            return null;
        }
        return m;
    }

    /** Sets (or replaces) the session's mapping, established now. */
    SessionMapping establish(String sessionId, String poolId, AffinityStrength strength, long now) {
        SessionMapping m = new SessionMapping(sessionId, poolId, strength, now, 0, now);
        bySession.put(sessionId, m);
        return m;
    }

    /** Sets the mapping only if the session has none (or an expired one); returns the mapping in force. */
    SessionMapping establishIfAbsent(String sessionId, String poolId, AffinityStrength strength, long now) {
        return bySession.compute(sessionId, (id, old) -> old != null && !expired(old, now) ? old
                : new SessionMapping(id, poolId, strength, now, 0, now));
    }

    /** One more request routed for the session: counts it and marks the access. Returns the mapping, or null. */
    SessionMapping countRequest(String sessionId, long now) {
        return bySession.computeIfPresent(sessionId, (id, m) -> expired(m, now) ? null
                : new SessionMapping(id, m.poolId(), m.strength(), m.establishedMillis(), m.requestCount() + 1, now));
    }

    /** Marks an access without counting a request. */
    void touch(String sessionId, long now) {
        bySession.computeIfPresent(sessionId, (id, m) -> expired(m, now) ? null
                : new SessionMapping(id, m.poolId(), m.strength(), m.establishedMillis(), m.requestCount(), now));
    }

    /**
     * Moves the session from {@code fromPool} to {@code toPool} if it is still on {@code fromPool}.
     *
     * @return the moved mapping, or null when the session was no longer on {@code fromPool} (someone moved it first)
     */
    SessionMapping move(String sessionId, String fromPool, String toPool, long now) {
        SessionMapping[] moved = new SessionMapping[1];
        bySession.computeIfPresent(sessionId, (id, m) -> {
            if (!m.poolId().equals(fromPool)) {
                return m;
            }
            moved[0] = new SessionMapping(id, toPool, m.strength(), now, m.requestCount(), now);
            return moved[0];
        });
        return moved[0];
    }

    /** Puts back saved mappings that have not expired, where the session has none now; returns how many. */
    int restore(List<SessionMapping> saved, long now) {
        int n = 0;
        for (SessionMapping m : saved) {
            if (!expired(m, now) && bySession.putIfAbsent(m.sessionId(), m) == null) {
                n++;
            }
        }
        return n;
    }

    boolean remove(String sessionId) {
        return bySession.remove(sessionId) != null;
    }

    /** Removes every expired mapping; returns how many. */
    int expire(long now) {
        int[] n = new int[1];
        bySession.values().removeIf(m -> expired(m, now) && ++n[0] > 0);
        return n[0];
    }

    /** Every live mapping, most recently used first. */
    List<SessionMapping> all(long now) {
        List<SessionMapping> out = new ArrayList<>(bySession.size());
        for (SessionMapping m : bySession.values()) {
            if (!expired(m, now)) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingLong(SessionMapping::lastAccessMillis).reversed());
        return out;
    }

    /** Live sessions per preferred pool. */
    Map<String, Integer> sessionsByPool(long now) {
        Map<String, Integer> out = new HashMap<>();
        for (SessionMapping m : bySession.values()) {
            if (!expired(m, now)) {
                out.merge(m.poolId(), 1, Integer::sum);
            }
        }
        return out;
    }
}
