package dev.pooler.bench.benefits;

import dev.pooler.sharing.internal.SharingConfiguration;
import java.lang.annotation.Annotation;

/**
 * {@code dev.pooler.sharing} as the bench sets it: the seed's {@code worker_sharing} values
 * ({@code max_shared_percentage} as given, duration limit 300 s, return threshold 0.4, compatibility check on),
 * and the anti-flapping windows compressed like the bench's phases (seconds, not minutes): the product's
 * 10 s minimum loan and 30 s return window would outlast a phase.
 */
record SharingWindows(double max_shared_percentage, long minimum_loan, long return_window, int max_moves_per_round)
        implements SharingConfiguration {

    @Override
    public Class<? extends Annotation> annotationType() {
        return SharingConfiguration.class;
    }

    @Override
    public long sharing_duration_limit() {
        return 300;
    }

    @Override
    public double return_threshold() {
        return 0.4;
    }

    @Override
    public boolean compatibility_check() {
        return true;
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "max_shared_percentage %.2f, return_threshold 0.4, sharing_duration_limit 300 s, "
                + "minimum_loan %d s, return_window %d s, max_moves_per_round %d", max_shared_percentage, minimum_loan,
                return_window, max_moves_per_round);
    }
}
