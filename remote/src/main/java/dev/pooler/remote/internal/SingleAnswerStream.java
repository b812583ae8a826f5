package dev.pooler.remote.internal;

import com.google.gson.JsonElement;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A remote pool's answer to {@code stream}: chunks do not cross nodes (yet), so the stream carries none and ends
 * when the answer arrives; its subscriber sees completion, or the error.
 */
final class SingleAnswerStream implements ResponseStream {

    private final long id;
    private final CompletableFuture<Response> result;

    SingleAnswerStream(long id, CompletableFuture<Response> result) {
        this.id = id;
        this.result = result;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super JsonElement> subscriber) {
        AtomicBoolean cancelled = new AtomicBoolean();
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                // no chunks to give
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        result.whenComplete((r, e) -> {
            if (cancelled.get()) {
                return;
            }
            if (e == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(e);
            }
        });
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public CompletionStage<Response> result() {
        return result;
    }

    @Override
    public boolean cancel() {
        return false;
    }

    @Override
    public long chunksReceived() {
        return 0;
    }
}
