package dev.pooler.core.impl.pool;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The sessions whose data is in one pool: they began there, a request carried their state there, or a push
 * put it there. What the {@code manual} sync rule asks before a pool may ship a session's state to its
 * workers. Bounded like the session store (its {@code max_sessions}), least recently used out first.
 * Guarded by the pool's lock.
 */
final class SessionsInPool {

    private final IntSupplier bound;
    private final LinkedHashMap<String, Boolean> ids = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > Math.max(1, bound.getAsInt());
        }
    };

    SessionsInPool(IntSupplier bound) {
        this.bound = bound;
    }

    void add(String sessionId) {
        ids.put(sessionId, Boolean.TRUE);
    }

    /** Whether the session's data is in the pool (not counted as a use). */
    boolean contains(String sessionId) {
        return ids.containsKey(sessionId);
    }

    void remove(String sessionId) {
        ids.remove(sessionId);
    }
}
