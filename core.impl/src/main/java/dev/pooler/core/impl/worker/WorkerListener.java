package dev.pooler.core.impl.worker;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Receives what a worker process says and when it dies. Called on the worker's reader thread. */
public interface WorkerListener {

    /** The worker finished its handshake and is ready for requests. */
    void onReady(WorkerProcess worker);

    /** A reply frame to request {@code id} ({@code ok} + {@code result} or {@code error}). */
    void onReply(WorkerProcess worker, long id, JsonObject frame);

    /** A success reply to request {@code id}: its result alone (the fast path of {@link #onReply}). */
    void onResult(WorkerProcess worker, long id, JsonElement result);

    /** The process exited (or never became ready); {@code reason} says why in words. */
    void onExit(WorkerProcess worker, int exitCode, String reason);
}
