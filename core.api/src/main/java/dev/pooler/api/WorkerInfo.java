package dev.pooler.api;

/**
 * A read-only view of one worker process.
 *
 * @param workerId       unique within the platform
 * @param pid            the OS process id
 * @param state          its state now
 * @param requestsServed requests it has answered
 * @param rssKb          resident memory in KiB as last read from the OS, or -1 if unknown
 * @param ownerPool      the pool that launched it
 * @param servingPool    the pool it currently serves (differs from the owner while lent)
 * @param startedAtMillis wall-clock start time
 * @param cpuLoad        share of one CPU the process used over the last sampling period (about a
 *                       second), as read from the OS; -1 if unknown
 */
public record WorkerInfo(String workerId, long pid, WorkerState state, long requestsServed, long rssKb,
                         String ownerPool, String servingPool, long startedAtMillis, double cpuLoad) {

    /** A worker whose CPU use is unknown. */
    public WorkerInfo(String workerId, long pid, WorkerState state, long requestsServed, long rssKb,
                      String ownerPool, String servingPool, long startedAtMillis) {
        this(workerId, pid, state, requestsServed, rssKb, ownerPool, servingPool, startedAtMillis, -1);
    }

    /** Whether this worker is lent to another pool. */
    public boolean lent() {
        return !ownerPool.equals(servingPool);
    }
}
