package dev.pooler.sharing.internal;

import static dev.pooler.sharing.internal.Pools.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.Priority;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerExchange;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.WorkerState;
import dev.pooler.api.routing.LoadBalancingSettings;
import dev.pooler.api.sharing.SharingAgreement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharingPlannerTest {

    static final long NOW = 1_000_000;
    static final LoadBalancingSettings ON = new LoadBalancingSettings("round_robin", 30_000, true, 0.7);
    static final LoadBalancingSettings OFF = new LoadBalancingSettings("round_robin", 30_000, false, 0.7);

    final LoanBook book = new LoanBook();

    static SharingLimits limits(double maxShared, double returnThreshold, int movesPerRound) {
        return new SharingLimits(maxShared, Duration.ofSeconds(300), returnThreshold, true, Duration.ofSeconds(10),
                Duration.ofSeconds(30), movesPerRound);
    }

    List<PlannedMove> plan(SharingLimits l, LoadBalancingSettings s, PoolView... pools) {
        return new SharingPlanner(l, s, book, List.of()).plan(List.of(pools), NOW);
    }

    static long lends(List<PlannedMove> moves) {
        return moves.stream().filter(m -> m.kind() == PlannedMove.Kind.LEND).count();
    }

    @Test
    void anOverloadedPoolBorrowsIdleWorkersOfAnIdleOne() {
        List<PlannedMove> moves = plan(limits(0.5, 0.4, 4), ON, pool("hot", 2).busy(2).queued(10).view(), pool("idle", 4).view());
        assertEquals(2, lends(moves), moves.toString());
        assertTrue(moves.stream().allMatch(m -> m.from().equals("idle") && m.to().equals("hot")));
    }

    @Test
    void aStrictPoolNeverLendsNorBorrows() {
        SharingLimits l = limits(1.0, 1.0, 8);
        assertEquals(List.of(), plan(l, ON, pool("hot", 2).busy(2).queued(10).view(),
                pool("idle", 4).policy(SharingPolicy.STRICT).view()));
        assertEquals(List.of(), plan(l, ON, pool("hot", 2).busy(2).queued(10).policy(SharingPolicy.STRICT).view(),
                pool("idle", 4).view()));
    }

    @Test
    void noMoreThanMaxSharedPercentageOfTheLendersSizeIsOut() {
        SharingLimits l = limits(0.3, 1.0, 100);
        assertEquals(3, lends(plan(l, ON, pool("hot", 2).busy(2).queued(50).view(), pool("idle", 10).view())));
        // Two already out: one more.
        assertEquals(1, lends(plan(l, ON, pool("hot", 2).busy(2).queued(50).view(),
                pool("idle", 10).lentOut("a").lentOut("b").view())));
    }

    @Test
    void aLenderKeepsEnoughWorkersToStayUnderTheReturnThreshold() {
        // 1 busy of 4, return_threshold 0.4: it keeps floor(1 / 0.4) + 1 = 3 workers, so it lends 1.
        assertEquals(1, lends(plan(limits(1.0, 0.4, 8), ON, pool("hot", 2).busy(2).queued(10).view(),
                pool("idle", 4).busy(1).view())));
    }

    @Test
    void anAdaptivePoolLendsByItsRecentPeakDemandAnOverflowPoolByItsLoadNow() {
        PoolTrend hadAPeak = new PoolTrend(false, -1, -1, 2);
        SharingLimits l = limits(1.0, 0.4, 8);
        assertEquals(0, lends(plan(l, ON, pool("hot", 2).busy(2).queued(10).view(),
                pool("adaptive", 4).policy(SharingPolicy.ADAPTIVE).trend(hadAPeak).view())));
        assertEquals(3, lends(plan(l, ON, pool("hot", 2).busy(2).queued(10).view(),
                pool("overflow", 4).policy(SharingPolicy.OVERFLOW).trend(hadAPeak).view())));
    }

    @Test
    void aPoolWithAQueueOrBelowTheMigrationThresholdDoesNotBorrow() {
        assertEquals(0, lends(plan(limits(1.0, 1.0, 8), ON, pool("calm", 4).busy(2).queued(0).view(), pool("idle", 4).view())));
    }

    @Test
    void theHigherPriorityBorrowerIsServedFirst() {
        SharingLimits l = limits(0.25, 1.0, 8); // the lender may lend one worker
        List<PlannedMove> moves = plan(l, ON, pool("low", 2).priority(Priority.LOW).busy(2).queued(40).view(),
                pool("high", 2).priority(Priority.HIGH).busy(2).queued(5).view(), pool("idle", 4).view());
        assertEquals(1, moves.size());
        assertEquals("high", moves.get(0).to());
    }

    @Test
    void aRoundMovesAtMostMaxMovesPerRound() {
        assertEquals(2, lends(plan(limits(1.0, 1.0, 2), ON, pool("hot", 2).busy(2).queued(50).view(), pool("idle", 10).view())));
    }

    @Test
    void aWorkerThatMovedWithinTheMinimumLoanIsNotLent() {
        book.moved("idle-w0", NOW - 5_000);
        book.moved("idle-w1", NOW - 5_000);
        List<PlannedMove> moves = plan(limits(1.0, 1.0, 8), ON, pool("hot", 2).busy(2).queued(50).view(), pool("idle", 3).view());
        assertEquals(List.of("idle-w2"), moves.stream().map(PlannedMove::workerId).toList());
    }

    private void lent(String worker, String owner, String borrower, long sinceMs) {
        book.loanStarted(new WorkerInfo(worker, 1, WorkerState.IDLE, 0, 0, owner, borrower, 0), "test", 0, sinceMs);
    }

    @Test
    void aBusyLenderGetsItsWorkerBackButOnlyAfterTheMinimumLoan() {
        PoolTrend hot = new PoolTrend(false, -1, 2_000, 3);
        SharingLimits l = limits(1.0, 0.4, 8);
        lent("x", "owner", "borrower", NOW - 5_000);
        List<PlannedMove> young = plan(l, ON, pool("owner", 4).busy(3).lentOut("x").trend(hot).view(),
                pool("borrower", 2).busy(2).borrowed("x", "owner", WorkerState.BUSY).view());
        assertEquals(List.of(), young, "a loan younger than minimum_loan stays");
        lent("x", "owner", "borrower", NOW - 11_000);
        List<PlannedMove> old = plan(l, ON, pool("owner", 4).busy(3).lentOut("x").trend(hot).view(),
                pool("borrower", 2).busy(2).borrowed("x", "owner", WorkerState.BUSY).view());
        assertEquals(1, old.size());
        assertEquals(PlannedMove.Kind.RETURN, old.get(0).kind());
        assertEquals("owner", old.get(0).to());
        assertEquals(WorkerExchange.Mode.IMMEDIATE, old.get(0).mode());
    }

    @Test
    void aLenderBusyForLessThanTheConfirmationTimeKeepsLending() {
        lent("x", "owner", "borrower", NOW - 60_000);
        PoolTrend justHot = new PoolTrend(false, -1, SharingPlanner.HOT_CONFIRM_MS - 1, 3);
        assertEquals(List.of(), plan(limits(1.0, 0.4, 8), ON, pool("owner", 4).busy(3).lentOut("x").trend(justHot).view(),
                pool("borrower", 2).busy(2).borrowed("x", "owner", WorkerState.BUSY).view()));
    }

    @Test
    void anExpiredLoanComesBack() {
        SharingLimits l = new SharingLimits(1.0, Duration.ofSeconds(60), 0.4, true, Duration.ofSeconds(10), Duration.ofSeconds(30), 8);
        lent("x", "owner", "borrower", NOW - 61_000);
        List<PlannedMove> moves = new SharingPlanner(l, ON, book, List.of()).plan(List.of(pool("owner", 4).lentOut("x").view(),
                pool("borrower", 2).busy(2).queued(5).borrowed("x", "owner", WorkerState.BUSY).view()), NOW);
        assertEquals(1, moves.size());
        assertTrue(moves.get(0).reason().contains("expired"), moves.get(0).reason());
    }

    @Test
    void aCalmBorrowerGivesBackOneWorkerPerMinimumLoanAfterTheReturnWindow() {
        lent("x", "owner", "borrower", NOW - 100_000);
        lent("y", "owner", "borrower", NOW - 100_000);
        SharingLimits l = limits(1.0, 0.4, 8);
        PoolView owner = pool("owner", 6).lentOut("x").lentOut("y").view();
        PoolView calmShort = pool("borrower", 2).trend(new PoolTrend(false, 29_000, -1, 1))
                .borrowed("x", "owner", WorkerState.IDLE).borrowed("y", "owner", WorkerState.IDLE).view();
        assertEquals(List.of(), plan(l, ON, owner, calmShort), "calm for less than return_window: kept");
        PoolView calmLong = pool("borrower", 2).trend(new PoolTrend(false, 31_000, -1, 1))
                .borrowed("x", "owner", WorkerState.IDLE).borrowed("y", "owner", WorkerState.IDLE).view();
        List<PlannedMove> moves = plan(l, ON, owner, calmLong);
        assertEquals(1, moves.size(), "one worker per round");
        book.loanEnded(moves.get(0).workerId(), "borrower", 0, NOW);
        assertEquals(List.of(), new SharingPlanner(l, ON, book, List.of()).plan(List.of(owner, calmLong), NOW + 5_000),
                "the next one waits a minimum_loan");
    }

    @Test
    void switchingSharingOffSendsEveryLoanHomeAndLendsNothing() {
        lent("x", "owner", "borrower", NOW - 1_000);
        List<PlannedMove> moves = plan(limits(1.0, 1.0, 8), OFF, pool("owner", 4).lentOut("x").view(),
                pool("borrower", 2).busy(2).queued(20).borrowed("x", "owner", WorkerState.BUSY).view(), pool("idle", 4).view());
        assertEquals(1, moves.size());
        assertEquals(PlannedMove.Kind.RETURN, moves.get(0).kind());
    }

    @Test
    void aLenderDoesNotBorrowAndABorrowerDoesNotLend() {
        lent("x", "a", "b", NOW - 1_000);
        // a has lent and now has a queue: it gets x back later, but borrows nothing from c.
        List<PlannedMove> moves = plan(limits(1.0, 1.0, 8), ON, pool("a", 2).busy(1).queued(5).lentOut("x").view(),
                pool("b", 2).busy(0).borrowed("x", "a", WorkerState.IDLE).view(), pool("c", 4).view());
        assertEquals(0, lends(moves), moves.toString());
    }

    @Test
    void anAgreementCapsTheWorkersLentBetweenTwoPools() {
        List<SharingAgreement> one = List.of(new SharingAgreement("idle", "hot", 1));
        List<PlannedMove> moves = new SharingPlanner(limits(1.0, 1.0, 8), ON, book, one)
                .plan(List.of(pool("hot", 2).busy(2).queued(20).view(), pool("idle", 6).view()), NOW);
        assertEquals(1, lends(moves));
    }

    @Test
    void aPairThatFailedTheAdapterIsNotTriedAgainWithTheCompatibilityCheck() {
        book.markIncompatible("idle", "hot", dev.pooler.api.WorkerSpec.DEFAULT_ADAPTER);
        assertEquals(0, lends(plan(limits(1.0, 1.0, 8), ON, pool("hot", 2).busy(2).queued(20).view(), pool("idle", 6).view())));
        SharingLimits unchecked = new SharingLimits(1.0, Duration.ofSeconds(300), 1.0, false, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 8);
        assertEquals(5, lends(plan(unchecked, ON, pool("hot", 2).busy(2).queued(20).view(), pool("idle", 6).view())));
    }

    @Test
    void recommendationsCarryTheSeedsFieldsBestFirst() {
        var recs = new SharingPlanner(limits(0.5, 1.0, 8), ON, book, List.of()).recommendations(List.of(
                pool("hot", 2).priority(Priority.HIGH).busy(2).queued(8).view(),
                pool("warm", 2).priority(Priority.LOW).busy(2).queued(8).view(),
                pool("idle", 4).view()), NOW);
        assertEquals(2, recs.size());
        assertEquals("hot", recs.get(0).to());
        assertEquals("idle", recs.get(0).from());
        assertEquals(2, recs.get(0).workerCount());
        assertEquals(1.0, recs.get(0).expectedBenefit(), 1e-9);
        assertTrue(recs.get(0).priority() > recs.get(1).priority());
        assertEquals(Duration.ofMillis(8 * 10 / 4), recs.get(0).durationEstimate());
    }
}
