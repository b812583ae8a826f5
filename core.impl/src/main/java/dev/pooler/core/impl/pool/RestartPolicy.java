package dev.pooler.core.impl.pool;

import java.util.concurrent.TimeUnit;

/**
 * When a pool replaces a dead worker, and when it gives up for a while. Tells a crash loop from
 * workers killed while they served:
 *
 * <ul>
 * <li>an <em>early death</em> — a worker that ended by itself (not by SIGKILL or SIGTERM from outside)
 *     before it was ready, or within {@link #EARLY_DEATH_NANOS} of becoming ready without answering
 *     anything — counts against the restart intensity ({@code max_restarts} within
 *     {@code restart_window}); past it the pool FAILS;</li>
 * <li>a worker killed from outside (the OOM killer, an operator) or that died after it served is
 *     replaced with a short backoff that grows only while replacements keep dying, and never trips
 *     the pool.</li>
 * </ul>
 *
 * A FAILED pool probes again after {@link #recoveryDelayMillis()}: 1 s, doubling per failed probe up to
 * {@link #RECOVERY_CAP_MS}; the count starts afresh once the pool has run for a restart window.
 * Guarded by the pool's lock.
 */
final class RestartPolicy {

    static final long EARLY_DEATH_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long MAX_EARLY_BACKOFF_MS = 5_000;
    static final long MAX_LATE_BACKOFF_MS = 5_000;
    static final long RECOVERY_FIRST_MS = 1_000;
    /** The longest a FAILED pool waits before it probes again (documented in the README). */
    static final long RECOVERY_CAP_MS = 16_000;

    private final RestartIntensity intensity;
    private int earlyStreak;
    private int lateStreak;
    private int failedProbes;

    RestartPolicy(int maxRestarts, long windowNanos) {
        this.intensity = new RestartIntensity(maxRestarts, windowNanos);
    }

    void reconfigure(int maxRestarts, long windowNanos) {
        intensity.reconfigure(maxRestarts, windowNanos);
    }

    /** Exit codes of a process ended by SIGKILL or SIGTERM (128 + signal), as the JDK reports them. */
    static boolean killedFromOutside(int exitCode) {
        return exitCode == 128 + 9 || exitCode == 128 + 15;
    }

    /** Whether a worker's death looks like a crash loop (see the class comment). */
    static boolean diedEarly(Worker w, int exitCode, long nowNanos) {
        if (killedFromOutside(exitCode)) {
            return false;
        }
        return w.readyAtNanos == 0 || (w.served == 0 && nowNanos - w.readyAtNanos < EARLY_DEATH_NANOS);
    }

    /** Records an unexpected death; returns true when the pool should FAIL (a crash loop). */
    boolean recordCrash(boolean early, long nowNanos) {
        if (!early) {
            lateStreak++;
            return false;
        }
        earlyStreak++;
        return intensity.record(nowNanos);
    }

    /** A worker answered a request: whatever was dying before, replacements serve now. */
    void recordServed() {
        lateStreak = 0;
        earlyStreak = 0;
    }

    /** A worker became ready. */
    void recordReady() {
        earlyStreak = 0;
    }

    /** How long to wait before launching the next replacement. */
    long launchDelayMillis() {
        if (earlyStreak > 0) {
            return Math.min(MAX_EARLY_BACKOFF_MS, 50L << Math.min(16, earlyStreak - 1));
        }
        if (lateStreak > 1) {
            return Math.min(MAX_LATE_BACKOFF_MS, 10L << Math.min(16, lateStreak - 2));
        }
        return 0;
    }

    /** The pool failed (again): how long until it probes. */
    long recoveryDelayMillis() {
        long d = Math.min(RECOVERY_CAP_MS, RECOVERY_FIRST_MS << Math.min(20, failedProbes));
        failedProbes++;
        return d;
    }

    /** The pool has run long enough since recovering: the next failure starts with the first delay again. */
    void recoveredForGood() {
        failedProbes = 0;
    }

    /** A fresh start (a new configuration, a probe that came up): the crash history is forgotten. */
    void reset() {
        intensity.reset();
        earlyStreak = 0;
        lateStreak = 0;
    }
}
