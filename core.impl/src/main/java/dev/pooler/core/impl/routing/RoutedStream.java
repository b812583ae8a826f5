package dev.pooler.core.impl.routing;

import dev.pooler.core.impl.streams.Subscriptions;
import com.google.gson.JsonElement;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A routed stream: the caller's one stream over the pool streams of its attempts. An attempt is retried
 * elsewhere only while none of its chunks has arrived (the router's retry rule asks {@link #chunksReceived}),
 * so the chunks the subscriber sees all come from one attempt, in order, each once.
 *
 * <p>The subscriber's demand is passed on to the attempt in flight. Its terminal signal comes when both the
 * router has settled ({@link #result} complete) and the final attempt's chunks were all delivered.
 */
final class RoutedStream implements ResponseStream {

    private final long id;
    private final CompletableFuture<Response> result;
    private final Runnable canceller;
    // guarded by this
    private Flow.Subscriber<? super JsonElement> subscriber;
    private long outstanding;
    private Attempt current;
    private boolean finished;
    private volatile long received;

    RoutedStream(long id, CompletableFuture<Response> result, Runnable canceller) {
        this.id = id;
        this.result = result;
        this.canceller = canceller;
        result.whenComplete((r, e) -> maybeFinish());
    }

    /** A new attempt's pool stream: its chunks go to the subscriber (the previous attempt had none). */
    void attach(ResponseStream inner) {
        Attempt a = new Attempt(inner);
        synchronized (this) {
            current = a;
        }
        inner.subscribe(a);
    }

    /** The pool stream of the attempt in flight, or null. */
    synchronized ResponseStream inner() {
        return current == null ? null : current.inner;
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
        if (result.isDone()) {
            return false;
        }
        canceller.run();
        return true;
    }

    @Override
    public long chunksReceived() {
        return received;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super JsonElement> s) {
        boolean first;
        synchronized (this) {
            first = subscriber == null;
            if (first) {
                subscriber = s;
            }
        }
        if (!first) {
            Subscriptions.refuse(s, "stream " + id + " has a subscriber already");
            return;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                Flow.Subscription sub;
                synchronized (RoutedStream.this) {
                    if (n > 0) {
                        outstanding = Subscriptions.addDemand(outstanding, n);
                    }
                    sub = current == null ? null : current.subscription;
                }
                if (sub != null) {
                    sub.request(n);
                }
            }

            @Override
            public void cancel() {
                synchronized (RoutedStream.this) {
                    finished = true;
                }
                RoutedStream.this.cancel();
            }
        });
        maybeFinish();
    }

    /** The end reaches the subscriber once the router has settled and the final attempt's chunks were all delivered. */
    private void maybeFinish() {
        Flow.Subscriber<? super JsonElement> s;
        synchronized (this) {
            if (finished || subscriber == null || !result.isDone() || (current != null && !current.drained)) {
                return;
            }
            finished = true;
            s = subscriber;
        }
        Throwable error = null;
        try {
            result.join();
        } catch (RuntimeException e) {
            error = e;
        }
        try {
            if (error == null) {
                s.onComplete();
            } else {
                s.onError(PoolerException.of(error));
            }
        } catch (RuntimeException ignored) {
            // a subscriber that throws at the end: nothing left to tell it
        }
    }

    /** The subscriber of one attempt's pool stream, forwarding to the caller's. */
    private final class Attempt implements Flow.Subscriber<JsonElement> {
        final ResponseStream inner;
        volatile Flow.Subscription subscription;
        volatile boolean drained;

        Attempt(ResponseStream inner) {
            this.inner = inner;
        }

        @Override
        public void onSubscribe(Flow.Subscription sub) {
            long n;
            synchronized (RoutedStream.this) {
                subscription = sub;
                n = outstanding;
            }
            if (n > 0) {
                sub.request(n);
            }
        }

        @Override
        public void onNext(JsonElement chunk) {
            Flow.Subscriber<? super JsonElement> s;
            synchronized (RoutedStream.this) {
                if (finished || current != this) {
                    return;
                }
                outstanding--;
                received++;
                s = subscriber;
            }
            s.onNext(chunk);
        }

        @Override
        public void onError(Throwable e) {
            done(e);
        }

        @Override
        public void onComplete() {
            done(null);
        }

        /** Every chunk of this attempt was delivered (a superseded attempt's end is ignored). */
        private void done(Throwable e) {
            drained = true;
            maybeFinish();
        }
    }
}
