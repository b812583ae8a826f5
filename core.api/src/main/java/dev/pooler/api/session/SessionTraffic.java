package dev.pooler.api.session;

/**
 * Session state put on the wire to workers since the platform started, counted where it is written to a
 * worker's pipe (a write that failed is not counted). Bytes are UTF-8 bytes of the state's JSON text.
 *
 * @param bytesWithRequests state that travelled with a request, to a worker lacking the session's version
 *                          (the {@code lazy} way, and inside a pool in every mode)
 * @param bytesPushed       state pushed to workers ahead of any request: {@code eager} sync on an affinity
 *                          change, or an explicit sync call
 * @param pushes            pushes written (one per worker reached)
 * @param sessionsEnded     sessions a worker dropped when told that the session store let them go (expired,
 *                          evicted or deleted): {@code end_session} calls a worker answered with "dropped"
 */
public record SessionTraffic(long bytesWithRequests, long bytesPushed, long pushes, long sessionsEnded) {

    public SessionTraffic(long bytesWithRequests, long bytesPushed, long pushes) {
        this(bytesWithRequests, bytesPushed, pushes, 0);
    }

    /** All session state bytes written to workers. */
    public long bytesSynced() {
        return bytesWithRequests + bytesPushed;
    }
}
