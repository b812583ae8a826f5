package dev.pooler.remote.api;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.util.promise.Promise;

/**
 * One pool of one node, as other nodes call it. Exported by the node that runs the pool's workers (service
 * properties {@link #POOL_ID}, {@link #NODE}, {@link #ZONE}, {@link #CONFIG}, plus the Remote Services ones) and
 * imported by the others, which republish it as a local {@code dev.pooler.api.Pool} named {@code <pool.id>@<node>}.
 * <p>
 * Everything that crosses is JSON text, so neither end depends on the other's Gson or object classes, and the
 * answers are {@link Promise}s: the Remote Services provider (Aries fastbin) keeps no thread per outstanding call.
 * {@code CompletionStage} cannot be used: fastbin does not know how to carry it.
 */
@ProviderType
public interface RemotePoolEndpoint {

    /** Service property: the pool's id on its own node (without {@code @node}). */
    String POOL_ID = "pooler.remote.pool.id";
    /** Service property: the name of the node that runs the pool ({@code POOLER_NODE}). */
    String NODE = "pooler.remote.node";
    /** Service property: the zone the pool serves in (its own zone, or its node's {@code POOLER_ZONE}). */
    String ZONE = "pooler.remote.zone";
    /** Service property: the pool's configuration as JSON text (see the remote bundle's README section). */
    String CONFIG = "pooler.remote.config";

    /**
     * Runs one request. {@code requestJson} is {@code {"command":…,"args":{…},"session":…,"priority":…,
     * "capability":…,"retryable":…,"timeoutMs":…}}. The promise always resolves with an answer envelope:
     * {@code {"ok":true,"worker":…,"result":…,"queuedNanos":…,"serviceNanos":…}} or
     * {@code {"ok":false,"kind":"<ErrorKind>","message":…,"reachedWorker":…}}. It fails only when the call itself
     * failed (the node went away, the connection broke).
     */
    Promise<String> execute(String requestJson);

    /** The pool's current numbers as JSON text ({@code state, workers, busy, idle, queued, …}). */
    Promise<String> stats();
}
