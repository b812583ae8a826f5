package dev.pooler.api.sharing;

import java.time.Duration;

/**
 * What the seed's {@code evaluate_sharing_opportunities} proposes: lend workers from an underused pool
 * to an overloaded one.
 *
 * @param from             the pool that would lend
 * @param to               the overloaded pool that would borrow
 * @param workerCount      how many workers
 * @param expectedBenefit  expected gain of the borrower's capacity, as a fraction (0.5 = half again as many workers)
 * @param durationEstimate how long the borrower is expected to need them (its queue at its current rate)
 * @param priority         higher goes first: the borrower's priority, then its pressure
 */
public record SharingRecommendation(String from, String to, int workerCount, double expectedBenefit,
                                    Duration durationEstimate, int priority) {
}
