package dev.pooler.api.routing;

/**
 * One routing decision, as kept in the router's recent history.
 *
 * @param timestampMillis when it was made
 * @param command         the request's command
 * @param capability      its command family
 * @param strategy        the strategy that chose
 * @param poolId          the pool chosen, or {@code null} when none could be
 * @param candidates      how many pools were capable
 * @param decisionNanos   time spent deciding
 * @param outcome         {@code ok}, an error kind, or {@code pending}
 */
public record RoutingDecision(long timestampMillis, String command, String capability, String strategy,
                              String poolId, int candidates, long decisionNanos, String outcome) {
}
