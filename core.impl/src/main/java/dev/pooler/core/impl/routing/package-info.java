/**
 * The request router: {@link dev.pooler.core.impl.routing.RoutingEngine} turns a request into a
 * {@link dev.pooler.api.routing.RequestProfile} ({@link dev.pooler.core.impl.routing.RequestAnalyzer}),
 * picks the capable pools, asks the active load-balancing strategy
 * ({@link dev.pooler.core.impl.routing.StrategyRegistry}), executes, falls back to the next
 * candidate when a pool refuses, and feeds the outcome back.
 *
 * <p>Hints a request's arguments may carry: {@code pool_type} (only pools of that type),
 * {@code zone} (pools of that zone are preferred; others serve only when none in the zone can),
 * {@code specialization} or {@code model} (passed to the strategy, which prefers matching pools).
 *
 * <p>Request priority: the router passes {@link dev.pooler.api.Request#priority()} through
 * untouched (it is also in the profile, for strategies). Pools honour it in their queues; the
 * router does not reorder anything itself, so a high-priority request never waits on the router.
 */
package dev.pooler.core.impl.routing;
