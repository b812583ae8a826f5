package dev.pooler.sharing.internal;

import dev.pooler.api.WorkerExchange;

/**
 * One move a rebalancing round decided.
 *
 * @param workerId       the worker
 * @param from           the pool it serves now
 * @param to             where it goes
 * @param kind           a new loan, or a worker going home
 * @param mode           how it leaves
 * @param reason         why, in words (events, log)
 * @param efficiencyGain for a loan, the borrower's expected capacity gain (1 / its workers); 0 for a return
 */
record PlannedMove(String workerId, String from, String to, Kind kind, WorkerExchange.Mode mode, String reason,
                   double efficiencyGain) {

    enum Kind { LEND, RETURN }
}
