package dev.pooler.sharing.internal;

import dev.pooler.api.InvalidConfigException;
import java.time.Duration;

/**
 * The validated values of {@link SharingConfiguration}. A bad value is refused with an
 * {@link InvalidConfigException} that names its field.
 */
public record SharingLimits(double maxSharedPercentage, Duration sharingDurationLimit, double returnThreshold,
                            boolean compatibilityCheck, Duration minimumLoan, Duration returnWindow, int maxMovesPerRound) {

    public static final String PID = "dev.pooler.sharing";
    static final double DEFAULT_MAX_SHARED_PERCENTAGE = 0.3;
    static final long DEFAULT_SHARING_DURATION_LIMIT_S = 300;
    static final double DEFAULT_RETURN_THRESHOLD = 0.4;
    static final long DEFAULT_MINIMUM_LOAN_S = 10;
    static final long DEFAULT_RETURN_WINDOW_S = 30;
    static final int DEFAULT_MAX_MOVES_PER_ROUND = 2;

    public static final SharingLimits DEFAULTS = new SharingLimits(DEFAULT_MAX_SHARED_PERCENTAGE,
            Duration.ofSeconds(DEFAULT_SHARING_DURATION_LIMIT_S), DEFAULT_RETURN_THRESHOLD, true,
            Duration.ofSeconds(DEFAULT_MINIMUM_LOAN_S), Duration.ofSeconds(DEFAULT_RETURN_WINDOW_S), DEFAULT_MAX_MOVES_PER_ROUND);

    public SharingLimits {
        if (!(maxSharedPercentage >= 0 && maxSharedPercentage <= 1)) {
            throw new InvalidConfigException("max_shared_percentage", "must be between 0 and 1, was " + maxSharedPercentage);
        }
        if (sharingDurationLimit == null || sharingDurationLimit.toMillis() < 1000) {
            throw new InvalidConfigException("sharing_duration_limit", "must be at least 1 second, was " + seconds(sharingDurationLimit));
        }
        if (!(returnThreshold > 0 && returnThreshold <= 1)) {
            throw new InvalidConfigException("return_threshold", "must be above 0 and at most 1, was " + returnThreshold);
        }
        if (minimumLoan == null || minimumLoan.isNegative()) {
            throw new InvalidConfigException("minimum_loan", "must be 0 seconds or more, was " + seconds(minimumLoan));
        }
        if (returnWindow == null || returnWindow.isNegative()) {
            throw new InvalidConfigException("return_window", "must be 0 seconds or more, was " + seconds(returnWindow));
        }
        if (minimumLoan.compareTo(sharingDurationLimit) > 0) {
            throw new InvalidConfigException("minimum_loan", "must not exceed sharing_duration_limit ("
                    + seconds(sharingDurationLimit) + "), was " + seconds(minimumLoan));
        }
        if (maxMovesPerRound < 1) {
            throw new InvalidConfigException("max_moves_per_round", "must be 1 or more, was " + maxMovesPerRound);
        }
    }

    /** The limits a configuration names; throws naming the first bad field. */
    public static SharingLimits from(SharingConfiguration c) {
        return new SharingLimits(c.max_shared_percentage(), Duration.ofSeconds(c.sharing_duration_limit()), c.return_threshold(),
                c.compatibility_check(), Duration.ofSeconds(c.minimum_loan()), Duration.ofSeconds(c.return_window()),
                c.max_moves_per_round());
    }

    /** How many of a pool of this configured size may be lent at once. */
    int maxLent(int configuredSize) {
        return (int) Math.floor(maxSharedPercentage * configuredSize + 1e-9);
    }

    private static String seconds(Duration d) {
        return d == null ? "nothing" : d.toMillis() / 1000.0 + " s";
    }
}
