package dev.pooler.remote.internal;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.remote.api.RemotePoolEndpoint;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.osgi.util.promise.Promises;

/**
 * One of this node's pools as other nodes call it. Every call's promise resolves with an answer envelope, never
 * fails: a request refused here (bad JSON, queue full) is answered like any other. Public: the fastbin provider
 * invokes its methods reflectively.
 */
public final class LocalEndpoint implements RemotePoolEndpoint {

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
            return Promises.resolved(WireCodec.error(e));
        }
        Deferred<String> answer = new Deferred<>();
        try {
            pool.execute(request).whenComplete((r, e) -> answer.resolve(e == null ? WireCodec.answer(r) : WireCodec.error(e)));
        } catch (RuntimeException e) {
            answer.resolve(WireCodec.error(e));
        }
        return answer.getPromise();
    }

    @Override
    public Promise<String> stats() {
        return Promises.resolved(WireCodec.stats(pool.stats()));
    }
}
