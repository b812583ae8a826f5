package dev.pooler.remote.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.remote.api.RemotePoolEndpoint;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.osgi.util.promise.PromiseFactory;

/**
 * One of this node's pools as other nodes call it. Every call's promise resolves with an answer envelope, never
 * fails: a request refused here (bad JSON, queue full) is answered like any other. Public: the fastbin provider
 * invokes its methods reflectively.
 */
public final class LocalEndpoint implements RemotePoolEndpoint {

    /**
     * The answer's callbacks run where it is resolved (the pool's answer thread): the only one is fastbin's, which
     * encodes the reply and queues it for its connection. The default factory would hand it to yet another thread.
     */
    private static final PromiseFactory INLINE = new PromiseFactory(PromiseFactory.inlineExecutor());

    private final Pool pool;

    LocalEndpoint(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Promise<String> execute(String requestJson) {
        Request request;
        try {
            request = WireCodec.request(requestJson);
        } catch (PoolerException e) {
            return INLINE.resolved(WireCodec.error(e));
        }
        Deferred<String> answer = INLINE.deferred();
        try {
            pool.execute(request).whenComplete((r, e) -> answer.resolve(e == null ? WireCodec.answer(r) : WireCodec.error(e)));
        } catch (RuntimeException e) {
            answer.resolve(WireCodec.error(e));
        }
        return answer.getPromise();
    }

    @Override
    public Promise<String> stats() {
        return INLINE.resolved(WireCodec.stats(pool.stats()));
    }
}
