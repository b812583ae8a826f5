package dev.pooler.core.impl.pool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolerException;

/**
 * Where a worker's news goes: the pool it serves now, or the {@link Transit} carrying it between
 * pools. A worker's host changes only under the old host's guard and the worker's own monitor, and
 * never after the worker has exited; a host that finds the worker has moved on forwards the news.
 */
interface WorkerHost {

    void onReady(Worker w);

    /**
     * The worker answered request {@code id}: with a result, or (when {@code error} is not null) with an
     * error; {@code session} is the reply's session field ({@code id} + {@code version} + {@code state}
     * when the request changed the session's state, {@code missing} when the worker lacked it), or null.
     */
    void onAnswer(Worker w, long id, JsonElement result, PoolerException error, JsonObject session);

    void onExit(Worker w, int exitCode, String reason);

    /** A chunk of streaming request {@code id} (in sequence). May block: see {@link ChunkStream#offer}. */
    void onChunk(Worker w, long id, JsonElement chunk);
}
