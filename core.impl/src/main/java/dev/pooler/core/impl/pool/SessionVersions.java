package dev.pooler.core.impl.pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which version of which session a worker holds, as far as its pool knows: what was shipped to it and
 * what its replies reported. Bounded like the worker's own cache ({@code POOLER_SESSION_CACHE}, 1000), so
 * the two forget alike; when they do not, the worker says a version is missing and the state is sent
 * again. Guarded by the lock of the worker's host.
 */
final class SessionVersions {

    static final int MAX = 1000;

    private final LinkedHashMap<String, Long> versions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX;
        }
    };

    /** Whether the worker holds exactly this version of the session. */
    boolean holds(String sessionId, long version) {
        Long v = versions.get(sessionId);
        return v != null && v == version;
    }

    /** The version of the session the worker holds, or 0 when none. */
    long version(String sessionId) {
        Long v = versions.get(sessionId);
        return v == null ? 0 : v;
    }

    /** Whether the worker holds some version of the session (not counted as a use). */
    boolean contains(String sessionId) {
        return versions.containsKey(sessionId);
    }

    void put(String sessionId, long version) {
        versions.put(sessionId, version);
    }

    void forget(String sessionId) {
        versions.remove(sessionId);
    }

    void clear() {
        versions.clear();
    }
}
