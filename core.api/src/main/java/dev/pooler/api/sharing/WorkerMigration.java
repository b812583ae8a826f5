package dev.pooler.api.sharing;

import dev.pooler.api.WorkerInfo;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Live migration of one worker between pools (the seed's {@code WorkerMigration}). Any failure
 * rolls back: the worker is back in the pool it left and both pools are as they were. Posts
 * {@code WORKER_MIGRATED}. A worker migrated to a pool other than its owner is lent to it (see
 * {@link WorkerSharing#loans()}).
 */
@ProviderType
public interface WorkerMigration {

    /** How a worker migrates. */
    enum Mode {
        /** New work stops going to it; it finishes its request, moves, then serves its new pool. */
        GRACEFUL,
        /** It moves now; the request it was running still gets its one answer. */
        IMMEDIATE,
        /**
         * Moves a worker only where the session state it holds stays valid: the target pool needs no
         * re-targeting (same adapter, interpreter, environment and specialization; re-targeting clears a
         * worker's sessions). It leaves gracefully, so no session request is cut. Otherwise refused with
         * {@code BAD_REQUEST} naming what differs. (A session's data lives in the session store, so no move
         * loses it; this mode keeps the worker's copies of it warm.)
         */
        SESSION_AWARE;

        /** Parses {@code graceful}, {@code immediate} or {@code session_aware} (any case); names the field when bad. */
        public static Mode parse(String field, String value) {
            if (value != null) {
                try {
                    return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    // fall through
                }
            }
            throw new dev.pooler.api.PoolerException(dev.pooler.api.ErrorKind.BAD_REQUEST,
                    field + ": must be graceful, immediate or session_aware, was '" + value + "'");
        }
    }

    /**
     * Moves {@code workerId}, which must serve {@code fromPool}, to {@code toPool}.
     * Fails with {@code BAD_REQUEST} when the worker does not serve {@code fromPool}, a pool's policy
     * forbids the move, or (SESSION_AWARE) its sessions cannot move.
     */
    CompletionStage<WorkerInfo> migrateWorker(String workerId, String fromPool, String toPool, Mode mode);
}
