package dev.pooler.webconsole.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A ring buffer of utilization samples: the last {@code capacity} readings of every pool. Thread-safe. */
public final class UtilizationHistory {

    /**
     * One reading.
     *
     * @param timestampMillis when it was taken
     * @param utilization     busy over serving workers, 0..1, per pool id
     * @param queued          requests waiting, per pool id
     */
    public record Sample(long timestampMillis, Map<String, Double> utilization, Map<String, Integer> queued) {
        public Sample {
            utilization = Map.copyOf(utilization);
            queued = Map.copyOf(queued);
        }
    }

    private final Sample[] ring;
    private final long intervalMillis;
    private int next;
    private int size;

    public UtilizationHistory(int capacity, long intervalMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.ring = new Sample[capacity];
        this.intervalMillis = intervalMillis;
    }

    public synchronized void add(Sample sample) {
        ring[next] = sample;
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The samples held, oldest first. */
    public synchronized List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size);
        int start = (next - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.add(ring[(start + i) % ring.length]);
        }
        return out;
    }

    public int capacity() {
        return ring.length;
    }

    /** Time between samples. */
    public long intervalMillis() {
        return intervalMillis;
    }
}
