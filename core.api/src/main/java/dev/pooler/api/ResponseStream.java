package dev.pooler.api;

import com.google.gson.JsonElement;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A streamed answer: the chunks a command yields, in order and each once, then its one final answer.
 *
 * <p>As a {@link Flow.Publisher} it takes one subscriber. Chunks are delivered as the subscriber
 * {@linkplain Flow.Subscription#request requests} them, never on a worker's reader thread; then {@code onComplete}
 * (the answer is in {@link #result()}) or {@code onError} with the {@link PoolerException} that ended the request —
 * always after the chunks that arrived before it. A subscriber that reads slowly holds back only its own request's
 * worker: a small number of chunks wait for it, then the worker's output is no longer read until it asks for more.
 * {@link Flow.Subscription#cancel} cancels the request.
 */
@ProviderType
public interface ResponseStream extends Flow.Publisher<JsonElement> {

    /** The request's id, for {@link Pool#cancel} and {@code pooler:cancel}. */
    long id();

    /** The final answer (or the error), completed once the request has ended; the chunks come through the publisher. */
    CompletionStage<Response> result();

    /** Cancels the request (see {@link Pool#cancel}); false when it had ended already. */
    boolean cancel();

    /** How many chunks arrived from the worker so far. */
    long chunksReceived();
}
