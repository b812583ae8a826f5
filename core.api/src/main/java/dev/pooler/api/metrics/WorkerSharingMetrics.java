package dev.pooler.api.metrics;

/**
 * The seed's worker-sharing group. {@code workersCurrentlyShared} is always known (from the pools' lent
 * counts); the other figures come from the worker-sharing bundle and are zero while it is absent.
 *
 * @param serviceAvailable          whether a worker-sharing service reports its figures
 * @param activeSharingAgreements   sharing agreements in force
 * @param workersCurrentlyShared    workers serving a pool other than their owner
 * @param sharingEfficiency         0..1: share of loans that shortened the borrower's queue
 * @param migrationSuccessRate      0..1: share of migrations that completed without rollback
 * @param sharingDurationStats      how long loans lasted
 */
public record WorkerSharingMetrics(boolean serviceAvailable, int activeSharingAgreements, int workersCurrentlyShared,
                                   double sharingEfficiency, double migrationSuccessRate, DurationStats sharingDurationStats) {

    /** The group as known without a worker-sharing service. */
    public static WorkerSharingMetrics withoutService(int workersCurrentlyShared) {
        return new WorkerSharingMetrics(false, 0, workersCurrentlyShared, 0.0, 0.0, DurationStats.EMPTY);
    }
}
