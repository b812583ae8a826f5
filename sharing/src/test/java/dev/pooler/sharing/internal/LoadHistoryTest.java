package dev.pooler.sharing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import org.junit.jupiter.api.Test;

class LoadHistoryTest {

    static PoolStats stats(int workers, int busy, int queued) {
        return new PoolStats("p", PoolState.RUNNING, workers, busy, workers - busy, queued, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    final LoadHistory h = new LoadHistory();

    @Test
    void aQueueLongerThanASecondAgoIsGrowing() {
        h.record(stats(4, 4, 1), 0, 0.4);
        h.record(stats(4, 4, 1), 500, 0.4);
        assertFalse(h.trend("p", 500).queueGrowing());
        h.record(stats(4, 4, 6), 1_250, 0.4);
        assertTrue(h.trend("p", 1_250).queueGrowing());
        h.record(stats(4, 4, 6), 2_500, 0.4);
        h.record(stats(4, 4, 6), 3_000, 0.4);
        assertFalse(h.trend("p", 3_000).queueGrowing(), "a steady queue is not growing");
    }

    @Test
    void calmAndHotAreMeasuredFromWhenTheyBegan() {
        h.record(stats(4, 1, 0), 0, 0.4);
        h.record(stats(4, 1, 0), 1_000, 0.4);
        PoolTrend t = h.trend("p", 1_000);
        assertEquals(1_000, t.calmForMs());
        assertEquals(-1, t.hotForMs());
        h.record(stats(4, 3, 0), 2_000, 0.4);
        t = h.trend("p", 3_000);
        assertEquals(-1, t.calmForMs(), "one idle worker is not calm");
        assertEquals(1_000, t.hotForMs(), "3 of 4 busy is above 0.4");
        assertEquals(3, t.peakDemand());
    }

    @Test
    void peakDemandForgetsWhatIsOlderThanTheWindow() {
        h.record(stats(4, 4, 10), 0, 0.4);
        h.record(stats(4, 1, 0), LoadHistory.DEMAND_WINDOW_MS + 1, 0.4);
        assertEquals(1, h.trend("p", LoadHistory.DEMAND_WINDOW_MS + 1).peakDemand());
    }
}
