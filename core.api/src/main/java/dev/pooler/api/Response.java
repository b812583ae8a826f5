package dev.pooler.api;

import com.google.gson.JsonElement;

/**
 * A successful answer: the worker's JSON result and where and how fast it was produced.
 *
 * @param poolId       the pool whose worker ran the request
 * @param workerId     the worker that ran it
 * @param result       the adapter's result (any JSON value)
 * @param queuedNanos  time spent waiting for a worker
 * @param serviceNanos time from sending the request to the worker until its answer arrived
 */
public record Response(String poolId, String workerId, JsonElement result, long queuedNanos, long serviceNanos) {

    /** Total time inside the pool: waiting plus service. */
    public long latencyNanos() {
        return queuedNanos + serviceNanos;
    }
}
