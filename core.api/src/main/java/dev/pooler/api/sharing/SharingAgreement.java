package dev.pooler.api.sharing;

/**
 * Two pools that may share workers, in either direction, up to a number of workers at a time.
 *
 * @param poolA       one pool (the smaller id)
 * @param poolB       the other
 * @param maxWorkers  at most this many workers lent between them at once
 */
public record SharingAgreement(String poolA, String poolB, int maxWorkers) {

    public SharingAgreement {
        if (poolA == null || poolB == null || poolA.isBlank() || poolB.isBlank()) {
            throw new IllegalArgumentException("pool: both pools of an agreement must be named");
        }
        if (poolA.equals(poolB)) {
            throw new IllegalArgumentException("pool: a pool cannot share with itself ('" + poolA + "')");
        }
        if (maxWorkers < 0) {
            throw new IllegalArgumentException("max_workers: must be 0 or more, was " + maxWorkers);
        }
        if (poolA.compareTo(poolB) > 0) {
            String t = poolA;
            poolA = poolB;
            poolB = t;
        }
    }

    /** Whether the agreement is between these two pools (in any order). */
    public boolean between(String a, String b) {
        return (poolA.equals(a) && poolB.equals(b)) || (poolA.equals(b) && poolB.equals(a));
    }
}
