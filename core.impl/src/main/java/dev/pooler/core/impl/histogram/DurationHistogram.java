package dev.pooler.core.impl.histogram;

import dev.pooler.api.metrics.HistogramSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into {@link Buckets}. Recording is a binary search over 23 longs and two
 * {@link LongAdder} increments: no lock, no allocation, and threads that record at once do not
 * contend on one cache line. A snapshot read while others record may be off by those in flight; its
 * count is the sum of its buckets, so the two always agree.
 */
public final class DurationHistogram {

    private final LongAdder[] buckets = new LongAdder[Buckets.count()];
    private final LongAdder sumNanos = new LongAdder();

    public DurationHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts one duration; a negative one (clock trouble, or never measured) counts as zero. */
    public void record(long nanos) {
        long d = Math.max(0, nanos);
        buckets[Buckets.indexOf(d)].increment();
        sumNanos.add(d);
    }

    public HistogramSnapshot snapshot(Map<String, String> labels) {
        List<Long> cumulative = new ArrayList<>(buckets.length - 1);
        long running = 0;
        for (int i = 0; i < buckets.length - 1; i++) {
            running += buckets[i].sum();
            cumulative.add(running);
        }
        long count = running + buckets[buckets.length - 1].sum();
        return new HistogramSnapshot(labels, Buckets.SECONDS, cumulative, sumNanos.sum() / 1e9, count);
    }
}
