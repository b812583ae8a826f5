package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.core.impl.session.SessionStoreImpl;

/**
 * What a reply said about its session: a new version of the state (kept in the store, and noted as
 * held by the worker), or that the worker lacked the version it was asked to run against.
 */
record SessionChange(String sessionId, long version, String stateJson, boolean missing) {

    /**
     * Reads a reply's session field and notes on the worker what it now holds; null when there is nothing.
     * Caller holds the guard of the worker's host.
     */
    static SessionChange of(JsonObject session, Worker w) {
        JsonElement idElement = session == null ? null : session.get("id");
        if (idElement == null || !idElement.isJsonPrimitive()) {
            return null;
        }
        String id = idElement.getAsString();
        if (session.has("missing")) {
            w.sessions.forget(id);
            return new SessionChange(id, -1, null, true);
        }
        JsonElement v = session.get("version");
        JsonElement state = session.get("state");
        if (v == null || !v.isJsonPrimitive() || state == null || !state.isJsonObject()) {
            return null;
        }
        long version = v.getAsLong();
        w.sessions.put(id, version);
        return new SessionChange(id, version, state.toString(), false);
    }

    /** Keeps a new version in the store (outside any pool's lock). */
    void keep(SessionStoreImpl store) {
        if (!missing) {
            store.update(sessionId, version, stateJson);
        }
    }
}
