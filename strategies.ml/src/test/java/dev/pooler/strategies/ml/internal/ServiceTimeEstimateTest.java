package dev.pooler.strategies.ml.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServiceTimeEstimateTest {

    private static final double STALE = 5e9;
    private static final double ALPHA = 0.1;

    @Test
    void firstObservationIsTakenAsIs() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE.observe(12, 1_000, ALPHA, STALE);
        assertEquals(12, e.meanMs(), 1e-9);
        assertEquals(0, e.varianceMs(), 1e-9);
        assertEquals(1, e.weight(), 1e-9);
    }

    @Test
    void slidesWithTheMinimumStepOnceWellObserved() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 100; i++) {
            e = e.observe(10, 1_000 + i, ALPHA, STALE);
        }
        assertEquals(10, e.meanMs(), 1e-6);
        assertEquals(10, e.weight(), 1e-6, "evidence is capped at 1 / minAlpha");
        e = e.observe(20, 2_000, ALPHA, STALE);
        assertEquals(11, e.meanMs(), 1e-3, "one step of 0.1 toward 20");
        assertTrue(e.varianceMs() > 0);
    }

    @Test
    void aPoolThatRecoversIsBelievedAfterTwoFastAnswers() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 100; i++) {
            e = e.observe(i % 2 == 0 ? 39 : 41, 1_000 + i, ALPHA, STALE); // a slow spell at ~40 ms
        }
        e = e.observe(4, 2_000, ALPHA, STALE);
        assertTrue(e.meanMs() > 30, "one fast answer is not yet a change: " + e.meanMs());
        e = e.observe(4.2, 2_001, ALPHA, STALE);
        assertEquals(4.1, e.meanMs(), 1e-9, "two in a row restart the estimate at the new level");
        assertTrue(e.varianceMs() < 1, "keeping the learned shape, scaled to the new level: " + e.varianceMs());
    }

    @Test
    void exponentialNoiseIsNotMistakenForAChange() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (int i = 0; i < 20_000; i++) {
            e = e.observe(-10 * Math.log(1 - r.nextDouble()), 1_000 + i, ALPHA, STALE);
            if (i > 1_000) {
                lowest = Math.min(lowest, e.meanMs());
                highest = Math.max(highest, e.meanMs());
            }
        }
        assertTrue(lowest > 3 && highest < 40, "the estimate of a 10 ms exponential stays near 10: " + lowest + ".." + highest);
    }

    @Test
    void tracksTheSpread() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 2000; i++) {
            e = e.observe(i % 2 == 0 ? 5 : 15, 1_000 + i, ALPHA, STALE);
        }
        assertEquals(10, e.meanMs(), 0.6);
        assertEquals(25, e.varianceMs(), 3, "variance of a 5/15 alternation is 25");
    }

    @Test
    void evidenceFadesAndThePlanDriftsToThePrior() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 20; i++) {
            e = e.observe(40, 0, ALPHA, STALE);
        }
        double fresh = e.plannedMs(0, STALE, 4, 1.0);
        assertEquals((10 * 40 + 4) / 11.0, fresh, 1e-9);
        double later = e.plannedMs((long) (3 * STALE), STALE, 4, 1.0);
        double muchLater = e.plannedMs((long) (10 * STALE), STALE, 4, 1.0);
        assertTrue(later < fresh && muchLater < later, fresh + " > " + later + " > " + muchLater);
        assertEquals(4, muchLater, 0.1);
        assertEquals(4, ServiceTimeEstimate.NONE.plannedMs(0, STALE, 4, 1.0), 1e-9, "nothing learned: the prior");
    }

    @Test
    void afterALongSilenceANewObservationCountsFully() {
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 20; i++) {
            e = e.observe(40, 0, ALPHA, STALE);
        }
        ServiceTimeEstimate revisited = e.observe(4, (long) (20 * STALE), ALPHA, STALE);
        assertTrue(revisited.meanMs() < 4.5, "the stale 40 ms is replaced: " + revisited.meanMs());
    }

    @Test
    void cv2StartsAsExponentialAndFollowsEvidence() {
        assertEquals(1, ServiceTimeEstimate.NONE.cv2(0, STALE, 1.0), 1e-9);
        ServiceTimeEstimate e = ServiceTimeEstimate.NONE;
        for (int i = 0; i < 50; i++) {
            e = e.observe(10, i, ALPHA, STALE);
        }
        assertTrue(e.cv2(50, STALE, 1.0) < 0.1, "constant service has no spread");
    }
}
