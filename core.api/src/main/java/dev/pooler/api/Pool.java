package dev.pooler.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One pool of Python worker processes. Published as an OSGi service with the properties
 * {@link #POOL_ID}, {@link #POOL_TYPE} and {@link #ZONE}.
 */
@ProviderType
public interface Pool {

    /** Service property: the pool's id. */
    String POOL_ID = "pooler.pool.id";
    /** Service property: the pool's type, lower case. */
    String POOL_TYPE = "pooler.pool.type";
    /** Service property: the pool's geographic zone. */
    String ZONE = "pooler.pool.zone";

    /**
     * Service property of a pool imported from another node (DESIGN §10): that node's name. Absent on this node's
     * own pools. Such a pool's id is {@code <pool.id>@<node>}.
     */
    String NODE = "pooler.pool.node";

    String id();

    /**
     * The node whose workers serve this pool, when it is another node's pool imported through OSGi Remote Services;
     * empty for this node's own pools (the default).
     */
    default Optional<String> remoteNode() {
        return Optional.empty();
    }

    PoolConfig config();

    PoolState state();

    /**
     * Queues the request for the next free worker. The stage always completes: with a
     * {@link Response}, or exceptionally with a {@link PoolerException} whose kind says why.
     * Never blocks the caller.
     */
    CompletionStage<Response> execute(Request request);

    /** Blocking convenience: waits for the answer and returns it, or throws the {@link PoolerException}. */
    default Response executeAndWait(Request request) {
        try {
            return execute(request).toCompletableFuture().join();
        } catch (RuntimeException e) {
            throw PoolerException.of(e);
        }
    }

    /**
     * Runs a request whose command streams its answer: the chunks it yields reach the subscriber of the returned
     * stream as they arrive, in order, each once, then the final answer ({@link ResponseStream#result()}). A command
     * that does not stream gives no chunk, only its answer. Never blocks the caller.
     */
    ResponseStream stream(Request request);

    /**
     * Cancels the request with this id ({@link ResponseStream#id()}) if this pool holds it: a queued one is removed,
     * a running one's worker is told to stop. Either way it is answered {@link ErrorKind#CANCELLED} now.
     *
     * @return whether this pool held the request, unanswered
     */
    boolean cancel(long requestId);

    PoolStats stats();

    List<WorkerInfo> workers();

    /**
     * The commands its workers offer, as the last worker that came up said (the adapter's {@code COMMANDS});
     * empty while unknown (no worker has come up yet, or a pool that cannot tell). The router sends a request
     * only to pools that offer its command, when they say.
     */
    default java.util.Set<String> commands() {
        return java.util.Set.of();
    }
}
