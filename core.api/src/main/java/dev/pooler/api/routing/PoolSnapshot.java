package dev.pooler.api.routing;

import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import java.util.Set;

/**
 * A read-only picture of one candidate pool at the moment of a routing decision.
 *
 * @param poolId         the pool
 * @param type           its type
 * @param priority       its priority
 * @param specialization its specialization, or {@code null}
 * @param zone           its geographic zone
 * @param capabilities   the command families it serves
 * @param workers        workers serving it now
 * @param busy           workers running a request
 * @param queued         requests waiting
 * @param inFlight       requests the router has sent and not yet seen answered (busy + queued, as the router counts them)
 * @param meanServiceMs  mean recent service time, 0 when unknown
 * @param meanLatencyMs  mean recent latency including queueing, 0 when unknown
 * @param health         0..1: share of recent requests that did not fail for the worker's sake
 * @param avgRssKb       mean resident memory of its workers, -1 when unknown
 * @param cpuLoad        0..1: CPU used by its workers over the last sampling period, -1 when unknown
 */
public record PoolSnapshot(String poolId, PoolType type, Priority priority, String specialization, String zone,
                           Set<String> capabilities, int workers, int busy, int queued, int inFlight,
                           double meanServiceMs, double meanLatencyMs, double health, long avgRssKb,
                           double cpuLoad) {

    /** Free workers (never negative). */
    public int idle() {
        return Math.max(0, workers - busy);
    }

    /** Outstanding work per worker. */
    public double loadPerWorker() {
        return workers == 0 ? Double.MAX_VALUE : (double) Math.max(inFlight, busy + queued) / workers;
    }
}
