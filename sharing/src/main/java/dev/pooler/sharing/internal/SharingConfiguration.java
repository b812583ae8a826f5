package dev.pooler.sharing.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration {@code dev.pooler.sharing}: the seed's {@code worker_sharing} section, plus the two
 * windows of the anti-flapping rule (see {@link SharingPlanner}). Property names use dots
 * ({@code max.shared.percentage=0.3}).
 */
@ObjectClassDefinition(id = SharingLimits.PID, name = "Pooler worker sharing",
        description = "Limits on lending workers between pools. Whether sharing runs at all, how often it re-evaluates "
                + "and the utilization that makes a pool ask for workers are in 'Pooler load balancing'.")
public @interface SharingConfiguration {

    @AttributeDefinition(name = "Max shared percentage",
            description = "At most this share (0..1) of a pool's configured size may be lent out at once (0.3 = 30 %).",
            min = "0", max = "1")
    double max_shared_percentage() default SharingLimits.DEFAULT_MAX_SHARED_PERCENTAGE;

    @AttributeDefinition(name = "Sharing duration limit (s)",
            description = "A loan ends after this many seconds: the worker goes home (it may be lent again after the minimum loan).",
            min = "1")
    long sharing_duration_limit() default SharingLimits.DEFAULT_SHARING_DURATION_LIMIT_S;

    @AttributeDefinition(name = "Return threshold",
            description = "A lending pool whose own utilization (0..1) reaches this gets its workers back (0.4 = 40 % busy). "
                    + "A pool never lends so many that it would reach it.",
            min = "0", max = "1")
    double return_threshold() default SharingLimits.DEFAULT_RETURN_THRESHOLD;

    @AttributeDefinition(name = "Compatibility check",
            description = "Lend a worker only where it can serve: same Python interpreter, and never again to a pool whose "
                    + "adapter it failed to load.")
    boolean compatibility_check() default true;

    @AttributeDefinition(name = "Minimum loan (s)",
            description = "Anti-flapping: a worker moves at most once in this many seconds, so a loan lasts at least this "
                    + "long unless its owner needs it back or the loan is cancelled.",
            min = "0")
    long minimum_loan() default SharingLimits.DEFAULT_MINIMUM_LOAN_S;

    @AttributeDefinition(name = "Return window (s)",
            description = "Anti-flapping: a borrower gives a worker back only after it has had two idle workers and an "
                    + "empty queue for this many seconds, one worker per minimum loan.",
            min = "0")
    long return_window() default SharingLimits.DEFAULT_RETURN_WINDOW_S;

    @AttributeDefinition(name = "Moves per round",
            description = "At most this many workers are moved by one rebalancing round.",
            min = "1")
    int max_moves_per_round() default SharingLimits.DEFAULT_MAX_MOVES_PER_ROUND;
}
