package dev.pooler.api.sharing;

/**
 * One worker lent by its owner to another pool.
 *
 * @param workerId      the worker
 * @param ownerPool     the pool that launched it (where it returns)
 * @param borrowerPool  the pool it serves now
 * @param sinceMillis   wall-clock time the loan began (as far as the sharing service knows)
 * @param reason        why it was lent, in words
 */
public record Loan(String workerId, String ownerPool, String borrowerPool, long sinceMillis, String reason) {
}
