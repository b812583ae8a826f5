package dev.pooler.bench.benefits;

import dev.pooler.bench.strategies.Arrivals;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The workload of all three figures: three demand classes, one per seed pool's specialty (general,
 * embedding, generation), each an open-loop Poisson process whose rate is a share of its own pool's
 * capacity (size × 1000 / service ms), times a load multiplier. The hot class alternates phase by phase:
 * general in even phases, generation in odd ones ({@code hot} of its pool's capacity, the other
 * {@code cold}); embedding stays at {@code steady}. At multiplier 1 this is the utilization figure's load.
 *
 * <p>A run starts with {@code warmup} ms at phase 0's rates (sent, not counted), then the phases.
 */
record ShiftingDemand(int serviceMs, double hot, double cold, double steady) {

    static final int GENERAL = 0;
    static final int EMBEDDING = 1;
    static final int GENERATION = 2;
    /** The capability each class asks the router for, by class index. */
    static final String[] CAPABILITIES = {"general", "embedding", "generation"};

    /** A class's arrival rate in a phase, as a share of its own pool's capacity. */
    double share(int demandClass, int phase) {
        boolean generalHot = phase % 2 == 0;
        return switch (demandClass) {
            case GENERAL -> generalHot ? hot : cold;
            case GENERATION -> generalHot ? cold : hot;
            default -> steady;
        };
    }

    /** Requests per second of a class in a phase at load {@code multiplier}. */
    double ratePerSecond(int demandClass, int phase, double multiplier) {
        return share(demandClass, phase) * SeedPools.SPECS.get(demandClass).size() * 1000.0 / serviceMs * multiplier;
    }

    /** The arrivals of one run, merged in time order; the same seed gives the same arrivals. */
    Schedule schedule(double multiplier, long warmupMs, long phaseMs, int phases, long seed) {
        long warmup = TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long phase = TimeUnit.MILLISECONDS.toNanos(phaseMs);
        long[] packed = new long[0];
        int n = 0;
        for (int segment = -1; segment < phases; segment++) {
            long from = segment < 0 ? 0 : warmup + segment * phase;
            long span = segment < 0 ? warmup : phase;
            if (span == 0) {
                continue;
            }
            for (int c = 0; c < CAPABILITIES.length; c++) {
                double rate = ratePerSecond(c, Math.max(0, segment), multiplier);
                if (rate <= 0) {
                    continue;
                }
                long[] at = Arrivals.poisson(rate / 1000.0, span, seed * 31 + (segment + 1) * 7L + c);
                packed = Arrays.copyOf(packed, n + at.length);
                for (long t : at) {
                    packed[n++] = ((from + t) << 2) | c; // time and class in one long, so one sort orders both
                }
            }
        }
        Arrays.sort(packed, 0, n);
        long[] times = new long[n];
        byte[] classes = new byte[n];
        for (int i = 0; i < n; i++) {
            times[i] = packed[i] >>> 2;
            classes[i] = (byte) (packed[i] & 3);
        }
        return new Schedule(times, classes, warmup, warmup + phases * phase);
    }

    String describe() {
        return String.format(Locale.ROOT, "sleep %d ms; general_pool's class at %.0f %% of its capacity in even phases and "
                + "%.0f %% in odd ones, generation_pool's the other way round, embedding_pool's at %.0f %%",
                serviceMs, hot * 100, cold * 100, steady * 100);
    }

    /**
     * Arrival times (ns from the run's origin, ascending) and their demand classes.
     *
     * @param measuredFrom arrivals before this offset are the warm-up: sent, not counted
     * @param end          the end of the last phase
     */
    record Schedule(long[] times, byte[] classes, long measuredFrom, long end) {

        int size() {
            return times.length;
        }
    }
}
