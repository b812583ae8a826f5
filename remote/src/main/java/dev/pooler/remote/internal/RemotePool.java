package dev.pooler.remote.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.ResponseStream;
import dev.pooler.api.WorkerInfo;
import dev.pooler.remote.api.RemotePoolEndpoint;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.util.promise.Promise;

/**
 * Another node's pool, here: a {@link Pool} named {@code <pool.id>@<node>} whose requests travel to that node as
 * JSON text and whose answers come back the same way.
 * <p>
 * Every request gets exactly one answer, always on {@link #answers} (never on the transport's or the framework's
 * thread): the node's answer; {@link ErrorKind#WORKER_CRASHED} (retryable, may have run) when the call broke or
 * the node left while it held the request; {@link ErrorKind#SHUTTING_DOWN} (never sent, retryable anywhere) when
 * the node was already gone or could not be connected to; {@link ErrorKind#TIMEOUT} when no answer came within the
 * request's timeout plus {@link #TRANSIT_GRACE} (found by one sweep of the requests in flight every {@link #SWEEP_MS},
 * not a timer task per request). Whichever comes first wins; the others find the answer given.
 * <p>
 * Its numbers are the remote pool's (refreshed by {@link #refreshStats()}, never read on the request path) with the
 * latencies measured here, network included.
 */
final class RemotePool implements Pool {

    /** On top of a request's timeout: the remote pool answers TIMEOUT itself, this only covers a silent node. */
    static final Duration TRANSIT_GRACE = Duration.ofSeconds(5);
    /** How often the requests in flight are checked against their deadlines. */
    static final long SWEEP_MS = 250;
    /** A node silent this long (no answer to anything, stats asked every half second) counts as not reachable. */
    static final long SILENT_NANOS = Duration.ofSeconds(10).toNanos();

    private final String id;
    private final String node;
    private final PoolConfig config;
    private final RemotePoolEndpoint endpoint;
    private final Executor answers;
    private final ScheduledExecutorService timer;
    /** Each request in flight, by its answer: when it times out. */
    private final Map<CompletableFuture<Response>, Deadline> inFlight = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweep;
    private final AtomicLong ids = new AtomicLong();
    /** When the stats ask still out was sent (nanoTime), 0 when none is. */
    private final AtomicLong asking = new AtomicLong();
    private final RoundTrips roundTrips = new RoundTrips();
    private volatile PoolStats remote;
    private volatile boolean closed;
    /** Whether the node answered the last call (a request or a stats ask); false until it first does. */
    private volatile boolean reachable;
    private volatile long answeredAt;

    RemotePool(String id, String node, PoolConfig config, RemotePoolEndpoint endpoint, Executor answers,
               ScheduledExecutorService timer) {
        this.id = id;
        this.node = node;
        this.config = config;
        this.endpoint = endpoint;
        this.answers = answers;
        this.timer = timer;
        // Until the first numbers arrive: a running pool of its configured size, idle.
        this.remote = new PoolStats(id, PoolState.RUNNING, config.size(), 0, config.size(), 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0);
        this.sweep = timer.scheduleWithFixedDelay(this::expire, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    private record Deadline(long atNanos, long timeoutMs) {
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> remoteNode() {
        return Optional.of(node);
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolState state() {
        return closed ? PoolState.STOPPED : remote.state();
    }

    @Override
    public CompletionStage<Response> execute(Request request) {
        return call(request);
    }

    private CompletableFuture<Response> call(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(gone());
            return answer;
        }
        long started = System.nanoTime();
        Duration timeout = (request.timeout() != null ? request.timeout() : config.resourceLimits().requestTimeout())
                .plus(TRANSIT_GRACE);
        inFlight.put(answer, new Deadline(started + timeout.toNanos(), timeout.toMillis()));
        answer.whenComplete((r, e) -> inFlight.remove(answer));
        if (closed) { // the node left while we registered: close() may not have seen this one
            settle(answer, gone());
            return answer;
        }
        Promise<String> reply;
        try {
            reply = endpoint.execute(WireCodec.request(request));
        } catch (RuntimeException e) {
            // Nothing was sent: any other pool may take it.
            settle(answer, new PoolerException(ErrorKind.SHUTTING_DOWN, "node " + node + " cannot be reached: " + e,
                    id, e, false));
            return answer;
        }
        reply.onResolve(() -> answers.execute(() -> arrived(answer, reply, started)));
        return answer;
    }

    private void arrived(CompletableFuture<Response> answer, Promise<String> reply, long started) {
        try {
            Throwable failure = reply.getFailure();
            if (failure != null) {
                reachable = false;
                answer.completeExceptionally(neverConnected(failure) ? unreachable(failure) : lost(failure));
                return;
            }
            answered();
            Response r = WireCodec.answer(reply.getValue(), id, node);
            roundTrips.record(System.nanoTime() - started);
            answer.complete(r);
        } catch (PoolerException e) {
            answer.completeExceptionally(e);
        } catch (Exception e) {
            answer.completeExceptionally(new PoolerException(ErrorKind.WORKER_ERROR, "unreadable answer from node "
                    + node + ": " + e, id, e, true));
        }
    }

    /** Completes the answer (if still open) on the answer executor: the caller's code never runs on ours. */
    private void settle(CompletableFuture<Response> answer, PoolerException error) {
        if (!answer.isDone()) {
            answers.execute(() -> answer.completeExceptionally(error));
        }
    }

    private PoolerException lost(Throwable cause) {
        return new PoolerException(ErrorKind.WORKER_CRASHED, "the call to node " + node + " broke while it held the "
                + "request (node lost?): " + cause, id, cause, true);
    }

    /** Nothing was sent: the transport could not connect to the node (it is down, or its port is closed). */
    private PoolerException unreachable(Throwable cause) {
        return new PoolerException(ErrorKind.SHUTTING_DOWN, "node " + node + " cannot be reached: " + cause, id, cause,
                false);
    }

    /**
     * Whether the call failed before it was sent: fastbin fails the calls it holds for a connection that never came
     * up with the connect error; a connection that broke fails the calls it carried with another {@code IOException}.
     */
    static boolean neverConnected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private PoolerException gone() {
        return new PoolerException(ErrorKind.SHUTTING_DOWN, "node " + node + " left the cluster", id, null, false);
    }

    /** Answers TIMEOUT to the requests past their deadline. */
    private void expire() {
        long now = System.nanoTime();
        inFlight.forEach((answer, d) -> {
            if (now - d.atNanos() >= 0) {
                settle(answer, new PoolerException(ErrorKind.TIMEOUT, "no answer from node " + node + " within "
                        + d.timeoutMs() + " ms", id));
            }
        });
    }

    /** The node left (or this bundle stops): everything it held is answered now, nothing more is sent. */
    void close() {
        closed = true;
        sweep.cancel(false);
        for (CompletableFuture<Response> answer : List.copyOf(inFlight.keySet())) {
            settle(answer, new PoolerException(ErrorKind.WORKER_CRASHED, "node " + node
                    + " left the cluster while it held the request", id, null, true));
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public ResponseStream stream(Request request) {
        return new SingleAnswerStream(ids.incrementAndGet(), call(request));
    }

    @Override
    public boolean cancel(long requestId) {
        return false;
    }

    /**
     * Whether its node answered the last call: a pool whose node cannot be reached (killed, its endpoint gone, an
     * import Aries kept from before a discovery outage) is not offered, whatever discovery says.
     */
    boolean reachable() {
        return reachable && !closed && System.nanoTime() - answeredAt < SILENT_NANOS;
    }

    private void answered() {
        answeredAt = System.nanoTime();
        reachable = true;
    }

    /**
     * Asks the node for its pool's numbers, unless an earlier ask is still out. Never blocks. The stage completes when
     * the answer (or the failure) is in, {@link #reachable()} updated.
     */
    CompletionStage<Void> refreshStats() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long now = System.nanoTime();
        long out = asking.get();
        if (closed || (out != 0 && now - out < SILENT_NANOS) || !asking.compareAndSet(out, now)) {
            done.complete(null); // an earlier ask is still out (one that is out for too long is given up)
            return done;
        }
        try {
            Promise<String> p = endpoint.stats();
            p.onResolve(() -> {
                try {
                    if (p.getFailure() == null) {
                        remote = WireCodec.stats(p.getValue(), id);
                        answered();
                    } else {
                        reachable = false;
                    }
                } catch (Exception e) {
                    // keep the numbers we had
                } finally {
                    asking.compareAndSet(now, 0);
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) {
            reachable = false;
            asking.compareAndSet(now, 0);
            done.complete(null);
        }
        return done;
    }

    @Override
    public PoolStats stats() {
        PoolStats s = remote;
        RoundTrips.Summary rt = roundTrips.summary();
        boolean measured = rt.count() > 0;
        return new PoolStats(id, state(), s.workers(), s.busy(), s.idle(), s.queued(), s.lent(), s.borrowed(),
                s.completed(), s.failed(), s.timeouts(), s.crashes(), s.restarts(),
                measured ? rt.meanMs() : s.meanLatencyMs(), measured ? rt.p50Ms() : s.p50LatencyMs(),
                measured ? rt.p99Ms() : s.p99LatencyMs(), s.meanServiceMs(), s.cancelled(), s.refused());
    }

    @Override
    public List<WorkerInfo> workers() {
        return List.of(); // the workers live on their node: its own console lists them
    }

    @Override
    public String toString() {
        return "RemotePool{" + id + "}";
    }
}
