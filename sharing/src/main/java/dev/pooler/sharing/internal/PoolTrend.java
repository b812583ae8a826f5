package dev.pooler.sharing.internal;

/**
 * What a pool's recent samples say (from {@link LoadHistory}).
 *
 * @param queueGrowing  its queue is longer now than a second ago
 * @param calmForMs     how long it has had an empty queue and at least two idle workers (-1: not calm now)
 * @param hotForMs      how long its utilization has been at or above the return threshold, or its queue
 *                      non-empty (-1: not hot now)
 * @param peakDemand    the most work (busy + queued) it had at once over the demand window
 */
public record PoolTrend(boolean queueGrowing, long calmForMs, long hotForMs, int peakDemand) {

    public static final PoolTrend NONE = new PoolTrend(false, -1, -1, 0);
}
