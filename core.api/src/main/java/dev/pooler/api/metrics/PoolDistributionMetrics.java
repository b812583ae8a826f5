package dev.pooler.api.metrics;

import java.util.Map;

/**
 * How pools and workers are spread.
 *
 * @param pools          number of pools
 * @param workers        workers serving any pool
 * @param poolsByType    pool count per type (lower case)
 * @param poolsByState   pool count per state
 * @param poolsByZone    pool count per geographic zone
 * @param workersByPool  serving workers per pool id
 * @param workersByType  serving workers per pool type
 */
public record PoolDistributionMetrics(int pools, int workers, Map<String, Integer> poolsByType,
                                      Map<String, Integer> poolsByState, Map<String, Integer> poolsByZone,
                                      Map<String, Integer> workersByPool, Map<String, Integer> workersByType) {

    public PoolDistributionMetrics {
        poolsByType = Map.copyOf(poolsByType);
        poolsByState = Map.copyOf(poolsByState);
        poolsByZone = Map.copyOf(poolsByZone);
        workersByPool = Map.copyOf(workersByPool);
        workersByType = Map.copyOf(workersByType);
    }
}
