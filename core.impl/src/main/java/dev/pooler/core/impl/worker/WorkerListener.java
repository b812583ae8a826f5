package dev.pooler.core.impl.worker;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Receives what a worker process says about its requests and when it dies. Called on the worker's
 * reader thread: implementations must not block and must not run callers' code there.
 * Replies to control calls never come here: {@link WorkerProcess#call} completes them.
 */
public interface WorkerListener {

    /** The worker finished its handshake and is ready for requests. */
    void onReady(WorkerProcess worker);

    /** A success reply to request {@code id}: its result alone (the fast path). */
    void onResult(WorkerProcess worker, long id, JsonElement result);

    /** A reply frame to request {@code id} ({@code ok} + {@code result} or {@code error}). */
    void onReply(WorkerProcess worker, long id, JsonObject frame);

    /**
     * One chunk of streaming request {@code id}, numbered {@code seq} from 0 (-1 when the frame had no number).
     * The only callback that may block (a slow stream's subscriber holds back this worker's reads, by design).
     */
    default void onChunk(WorkerProcess worker, long id, long seq, JsonElement chunk) {
        // a listener that runs no streams drops them
    }

    /**
     * The worker's command calls a Java tool: {@code {"tool_call":K,"request":N,"tool":..,"args":..,"timeout_ms":T}}.
     * Must not block: the call is answered later with {@link WorkerProcess#sendToolReply}. A listener without
     * tools leaves it unanswered (the worker's own timeout ends the wait).
     */
    default void onToolCall(WorkerProcess worker, JsonObject frame) {
        // no tools here
    }

    /**
     * The worker said something about a request that cannot be delivered as a reply: an unparseable or
     * oversized line, an error reply without an id. {@code id} is the request's id when it could be
     * read, else -1 (the request the worker is running is meant: it runs them one at a time).
     */
    void onBrokenReply(WorkerProcess worker, long id, String problem);

    /** The process exited (or never became ready); {@code reason} says why in words. */
    void onExit(WorkerProcess worker, int exitCode, String reason);

    /**
     * Every frame the worker sent so far was handled and its reader is about to wait for more (on the reader thread):
     * what was held back to be written at once can go now.
     */
    default void onCaughtUp(WorkerProcess worker) {
    }
}
