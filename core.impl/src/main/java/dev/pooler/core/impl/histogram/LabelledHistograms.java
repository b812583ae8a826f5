package dev.pooler.core.impl.histogram;

import dev.pooler.api.metrics.HistogramSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link DurationHistogram} per value of a label, made on first use. The number of values is
 * capped: past {@link #MAX_VALUES}, new values share the series {@value #OTHER}, so a label can never
 * grow without bound whatever its callers pass.
 */
public final class LabelledHistograms {

    static final int MAX_VALUES = 64;
    public static final String OTHER = "other";

    private final String label;
    private final ConcurrentHashMap<String, DurationHistogram> byValue = new ConcurrentHashMap<>();

    public LabelledHistograms(String label) {
        this.label = label;
    }

    /** The histogram of {@code value} ({@value #OTHER} when null or past the cap). */
    public DurationHistogram of(String value) {
        String v = value == null ? OTHER : value;
        DurationHistogram h = byValue.get(v);
        if (h != null) {
            return h;
        }
        if (byValue.size() >= MAX_VALUES) {
            v = OTHER;
        }
        return byValue.computeIfAbsent(v, k -> new DurationHistogram());
    }

    /** One snapshot per value, sorted by it, each labelled with {@code fixed} plus this label. */
    public void snapshots(Map<String, String> fixed, List<HistogramSnapshot> out) {
        for (Map.Entry<String, DurationHistogram> e : new TreeMap<>(byValue).entrySet()) {
            Map<String, String> labels = new HashMap<>(fixed);
            labels.put(label, e.getKey());
            out.add(e.getValue().snapshot(labels));
        }
    }
}
