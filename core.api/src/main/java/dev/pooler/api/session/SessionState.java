package dev.pooler.api.session;

/**
 * One session's state as the store holds it.
 *
 * @param sessionId        the session
 * @param version          incremented by the worker each time a request changes the state (0: none yet)
 * @param stateJson        the state, a JSON object as text
 * @param createdMillis    when the store first saw the session
 * @param lastAccessMillis when a request of the session last used it
 * @param requests         requests of the session that read or changed it
 */
public record SessionState(String sessionId, long version, String stateJson, long createdMillis, long lastAccessMillis,
                           long requests) {

    /** Size of the state in characters of JSON. */
    public int size() {
        return stateJson.length();
    }
}
