package dev.pooler.bench.strategies;

import com.google.gson.JsonNull;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An in-memory pool that answers at once on the caller's thread, with fixed stats: what the routing
 * cost loop routes to, so that only the router and the strategy are timed (as the removed
 * {@code RoutingCostTest} did with its test pools).
 */
final class StubPool implements Pool {

    private final PoolConfig config;
    private final PoolStats stats;
    private final Response response;

    StubPool(String id, int workers, double serviceMs) {
        this.config = PoolConfig.builder().poolId(id).size(workers).build();
        this.stats = new PoolStats(id, PoolState.RUNNING, workers, 0, workers, 0, 0, 0, 0, 0, 0, 0, 0,
                serviceMs, serviceMs, serviceMs, serviceMs);
        this.response = new Response(id, id + "-w1", JsonNull.INSTANCE, 0, (long) (serviceMs * 1e6));
    }

    @Override
    public String id() {
        return config.poolId();
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public PoolState state() {
        return PoolState.RUNNING;
    }

    @Override
    public CompletionStage<Response> execute(Request request) {
        return CompletableFuture.completedFuture(response);
    }

    @Override
    public PoolStats stats() {
        return stats;
    }

    @Override
    public List<WorkerInfo> workers() {
        return List.of();
    }

    @Override
    public dev.pooler.api.ResponseStream stream(dev.pooler.api.Request request) {
        throw new UnsupportedOperationException("this test pool does not stream");
    }

    @Override
    public boolean cancel(long requestId) {
        return false;
    }
}
