package dev.pooler.core.impl.pool;

import dev.pooler.core.impl.streams.Subscriptions;
import com.google.gson.JsonElement;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * The chunks of one streaming request between its worker's reader thread and its subscriber.
 *
 * <p>Backpressure: at most {@link #CAPACITY} chunks wait for the subscriber. When they do, the reader thread
 * of the request's worker waits in {@link #offer} — that worker's output is not read until the subscriber asks
 * for more (the worker then blocks on its full pipe). A worker runs one request at a time, so a slow subscriber
 * holds back its own request and nothing else. The wait ends when the request ends otherwise (cancelled, timed
 * out: the chunk is then dropped).
 *
 * <p>Delivery runs on the pool's answer executor, one signal at a time: the chunks in order, then the terminal
 * signal once the request's answer is in and every chunk before it was delivered.
 */
final class ChunkStream implements ResponseStream {

    /** Chunks that may wait for a slow subscriber before the worker's reads stop. */
    static final int CAPACITY = 32;

    private final long id;
    private final CompletableFuture<Response> result;
    private final Executor answers;
    private final LongPredicate canceller;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition space = lock.newCondition();
    private final ArrayDeque<JsonElement> buffer = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    // guarded by lock
    private Flow.Subscriber<? super JsonElement> subscriber;
    private long demand;
    private boolean ended;
    private boolean closed;
    private volatile long received;

    ChunkStream(long id, CompletableFuture<Response> result, Executor answers, LongPredicate canceller) {
        this.id = id;
        this.result = result;
        this.answers = answers;
        this.canceller = canceller;
    }

    /**
     * A chunk from the worker (on its reader thread): waits while {@link #CAPACITY} chunks wait for the subscriber.
     * Returns false when the chunk was dropped: the request ended or its subscriber left.
     */
    boolean offer(JsonElement chunk) {
        lock.lock();
        try {
            while (buffer.size() >= CAPACITY && !ended && !closed) {
                space.awaitUninterruptibly();
            }
            if (ended || closed) {
                return false;
            }
            buffer.addLast(chunk);
            received++;
        } finally {
            lock.unlock();
        }
        drain();
        return true;
    }

    /** The request has its answer (the result future is complete): no chunk is taken any more. */
    void end() {
        lock.lock();
        try {
            ended = true;
            space.signalAll();
        } finally {
            lock.unlock();
        }
        drain();
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
        return canceller.test(id);
    }

    @Override
    public long chunksReceived() {
        return received;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super JsonElement> s) {
        boolean first;
        lock.lock();
        try {
            first = subscriber == null;
            if (first) {
                subscriber = s;
            }
        } finally {
            lock.unlock();
        }
        if (!first) {
            Subscriptions.refuse(s, "stream " + id + " has a subscriber already");
            return;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    leave(true);
                    s.onError(new IllegalArgumentException("request(" + n + "): must be positive (Reactive Streams §3.9)"));
                    return;
                }
                lock.lock();
                try {
                    demand = Subscriptions.addDemand(demand, n);
                } finally {
                    lock.unlock();
                }
                drain();
            }

            @Override
            public void cancel() {
                leave(true);
            }
        });
        drain();
    }

    /** The subscriber is gone: nothing more is delivered; the request is cancelled when {@code cancelRequest}. */
    private void leave(boolean cancelRequest) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        if (cancelRequest && !result.isDone()) {
            canceller.test(id);
        }
    }

    private void drain() {
        if (wip.getAndIncrement() == 0) {
            answers.execute(this::deliver);
        }
    }

    /** One delivery round at a time (wip): chunks as demanded, then the terminal signal. */
    private void deliver() {
        int missed = 1;
        while (true) {
            while (true) {
                Flow.Subscriber<? super JsonElement> s;
                JsonElement next = null;
                boolean terminal = false;
                lock.lock();
                try {
                    s = subscriber;
                    if (s == null || closed) {
                        break;
                    }
                    if (!buffer.isEmpty() && demand > 0) {
                        next = buffer.pollFirst();
                        demand--;
                        space.signal();
                    } else if (buffer.isEmpty() && ended && result.isDone()) {
                        closed = true;
                        terminal = true;
                    } else {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                if (next != null) {
                    try {
                        s.onNext(next);
                    } catch (Throwable t) { // a subscriber that throws has left (Reactive Streams §2.13)
                        leave(true);
                        break;
                    }
                } else if (terminal) {
                    terminate(s);
                    break;
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void terminate(Flow.Subscriber<? super JsonElement> s) {
        try {
            result.join();
        } catch (RuntimeException e) {
            s.onError(PoolerException.of(e));
            return;
        }
        s.onComplete();
    }
}
