package dev.pooler.api.sharing;

import dev.pooler.api.WorkerInfo;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Loans of live workers between pools (the seed's {@code WorkerSharing}). A loan moves a worker
 * process to the borrowing pool through {@link dev.pooler.api.WorkerExchange}; the worker keeps its
 * owner and goes home when the loan ends. Each pool's {@link dev.pooler.api.SharingPolicy} and the
 * limits of configuration {@code dev.pooler.sharing} hold for every loan, made by hand or by the
 * automatic rebalancing.
 *
 * <p>Failures are {@link dev.pooler.api.PoolerException}s: {@code BAD_REQUEST} when a policy or a
 * limit forbids the loan (the message names it), {@code NO_CAPABLE_POOL} for an unknown pool.
 */
@ProviderType
public interface WorkerSharing {

    /**
     * Records an agreement that the two pools may share up to {@code maxWorkers} workers in either
     * direction (both pools' policies still apply). Replaces an earlier agreement between them;
     * {@code maxWorkers} 0 ends it.
     */
    SharingAgreement enableSharingBetween(String poolA, String poolB, int maxWorkers);

    /** The agreements in force. */
    List<SharingAgreement> agreements();

    /**
     * Lends up to {@code workers} idle workers of {@code donorPool} to {@code requestingPool} now,
     * as far as policies and limits allow. Completes with the loans made (at least one), or fails
     * saying why none could be made.
     */
    CompletionStage<List<Loan>> requestWorkerLoan(String requestingPool, String donorPool, int workers);

    /**
     * Gives a borrowed worker back to its owner. {@code requestingPool} is the pool that borrowed it
     * (checked, so a stale call cannot take a worker from another pool).
     */
    CompletionStage<WorkerInfo> returnBorrowedWorker(String workerId, String requestingPool);

    /** Loans in force now: every worker that serves a pool other than its owner. */
    List<Loan> loans();

    /**
     * What sharing would do now: for each overloaded pool and each pool that could lend to it, a
     * recommendation, best first. Changes nothing.
     */
    List<SharingRecommendation> evaluateSharingOpportunities();

    /**
     * Runs one rebalancing round now (asynchronously). Returns {@code false}, and does nothing, when
     * worker sharing is switched off ({@code dev.pooler.loadbalancing} {@code worker_sharing_enabled}).
     */
    boolean rebalanceNow();
}
