package dev.pooler.bench.benefits;

import java.util.ArrayList;
import java.util.List;

/**
 * Figure 3's search for one side: bisection over the load multiplier between {@code low} (taken to hold) and
 * {@code high} (taken not to). A load holds when every request of the probe is answered and the p99 latency
 * stays within the deadline. The sides of a round are probed in turn, probe by probe, so they share the
 * machine's noise; a probe's arrivals depend only on the round and the load, so two sides probing the same
 * load get the same arrivals.
 */
final class PeakSearch {

    /** One probe: a run at one load. */
    record Probe(double multiplier, ShiftRun.Result result, boolean held) {
    }

    private final Side side;
    private final double deadlineMs;
    private final List<Probe> probes = new ArrayList<>();
    private double low;
    private double high;

    PeakSearch(Side side, double low, double high, double deadlineMs) {
        this.side = side;
        this.low = low;
        this.high = high;
        this.deadlineMs = deadlineMs;
    }

    Side side() {
        return side;
    }

    /** The load the next probe runs at. */
    double next() {
        return (low + high) / 2;
    }

    /** Records a probe at {@link #next()} and narrows the interval. */
    Probe record(ShiftRun.Result r) {
        double m = next();
        boolean held = r.failed() == 0 && r.measured() > 0 && r.p99Ms() <= deadlineMs;
        Probe p = new Probe(m, r, held);
        probes.add(p);
        if (held) {
            low = m;
        } else {
            high = m;
        }
        return p;
    }

    /** The highest load that held, or NaN when none did (the peak lies below the range searched). */
    double peak() {
        return probes.stream().filter(Probe::held).mapToDouble(Probe::multiplier).max().orElse(Double.NaN);
    }

    /** Whether every probe held (the peak may lie above the range searched). */
    boolean allHeld() {
        return !probes.isEmpty() && probes.stream().allMatch(Probe::held);
    }
}
