package dev.pooler.core.impl.histogram;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pooler.api.metrics.HistogramSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    private static int bucketOf(double seconds) {
        return Buckets.SECONDS.indexOf(seconds);
    }

    @Test
    void bucketsRunFromTenMicrosecondsToFiveMinutesAscending() {
        assertEquals(0.00001, Buckets.SECONDS.get(0));
        assertEquals(300.0, Buckets.SECONDS.get(Buckets.SECONDS.size() - 1));
        for (int i = 1; i < Buckets.SECONDS.size(); i++) {
            assertEquals(true, Buckets.SECONDS.get(i) > Buckets.SECONDS.get(i - 1), "bound " + i);
        }
    }

    @Test
    void aDurationCountsInTheFirstBucketWhoseBoundIsNotBelowIt() {
        assertEquals(0, Buckets.indexOf(0));
        assertEquals(0, Buckets.indexOf(10_000)); // exactly 10 µs: le="1e-05"
        assertEquals(1, Buckets.indexOf(10_001));
        assertEquals(bucketOf(0.001), Buckets.indexOf(1_000_000));
        assertEquals(bucketOf(0.0025), Buckets.indexOf(1_000_001));
        assertEquals(bucketOf(300.0), Buckets.indexOf(300_000_000_000L));
        assertEquals(Buckets.count() - 1, Buckets.indexOf(300_000_000_001L)); // +Inf
    }

    @Test
    void theSnapshotIsCumulativeWithSumAndCount() {
        DurationHistogram h = new DurationHistogram();
        h.record(5_000);            // 5 µs
        h.record(2_000_000);        // 2 ms
        h.record(2_000_000);
        h.record(400_000_000_000L); // 400 s: beyond the last bound
        h.record(-7);               // counts as zero
        HistogramSnapshot s = h.snapshot(Map.of("pool", "p"));
        assertEquals(Map.of("pool", "p"), s.labels());
        assertEquals(5, s.count());
        assertEquals(400.004005, s.sum(), 1e-9);
        assertEquals(2L, s.cumulativeCounts().get(bucketOf(0.00001)));
        assertEquals(2L, s.cumulativeCounts().get(bucketOf(0.001)));
        assertEquals(4L, s.cumulativeCounts().get(bucketOf(0.0025)));
        assertEquals(4L, s.cumulativeCounts().get(bucketOf(300.0)));
        assertEquals(Buckets.SECONDS, s.upperBounds());
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        DurationHistogram h = new DurationHistogram();
        int threads = 4;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            long nanos = 1_000L * (t + 1) * 1_000; // 1..4 ms
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    h.record(nanos);
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(60, TimeUnit.SECONDS));
        HistogramSnapshot s = h.snapshot(Map.of());
        assertEquals((long) threads * each, s.count());
        assertEquals((long) each, s.cumulativeCounts().get(bucketOf(0.001)));
        assertEquals(2L * each, s.cumulativeCounts().get(bucketOf(0.0025)));
        assertEquals(4L * each, s.cumulativeCounts().get(bucketOf(0.005)));
        assertEquals(each * (1 + 2 + 3 + 4) / 1000.0, s.sum(), 1e-6);
    }

    @Test
    void labelValuesAreCappedIntoOther() {
        LabelledHistograms byFamily = new LabelledHistograms("family");
        for (int i = 0; i < LabelledHistograms.MAX_VALUES + 10; i++) {
            byFamily.of("f" + i).record(1_000);
        }
        byFamily.of(null).record(1_000);
        List<HistogramSnapshot> out = new ArrayList<>();
        byFamily.snapshots(Map.of("pool", "p"), out);
        assertEquals(LabelledHistograms.MAX_VALUES + 1, out.size()); // the cap, plus "other"
        HistogramSnapshot other = out.stream().filter(s -> s.labels().get("family").equals("other")).findFirst().orElseThrow();
        assertEquals(11, other.count());
        assertEquals("p", other.labels().get("pool"));
        assertEquals(LabelledHistograms.MAX_VALUES * 1L + 11, out.stream().mapToLong(HistogramSnapshot::count).sum());
    }
}
