package dev.pooler.core.impl.metrics;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.CrossPoolPerformanceMetrics;
import dev.pooler.api.metrics.LoadBalancingMetrics;
import dev.pooler.api.metrics.PoolDistributionMetrics;
import dev.pooler.api.metrics.PoolMetrics;
import dev.pooler.api.metrics.RoutingDecisionStats;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.metrics.SessionAffinityMetricsSource;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import dev.pooler.api.metrics.WorkerSharingMetricsSource;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.api.session.SessionTraffic;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Computes a {@link ComprehensiveMetrics} snapshot. Stateless but for the previous answered-request
 * count, from which throughput is derived.
 */
final class MetricsCollector {

    /** How many recent routing decisions the routing statistics look at. */
    static final int DECISION_WINDOW = 256;
    /** Throughput is recomputed only when at least this much time passed since the previous reading. */
    private static final long MIN_RATE_INTERVAL_NANOS = 500_000_000L;
    private static final System.Logger LOG = System.getLogger(MetricsCollector.class.getName());

    private final LongSupplier nanoClock;
    private final AtomicReference<Reading> previous = new AtomicReference<>();

    private record Reading(long nanos, long answered, double rate) {
    }

    MetricsCollector(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    ComprehensiveMetrics collect(List<Pool> pools, RequestRouter router, WorkerSharingMetricsSource sharing,
                                 SessionAffinityMetricsSource affinity, long nowMillis) {
        return collect(pools, router, sharing, affinity, new SessionTraffic(0, 0, 0), nowMillis);
    }

    /** With the session state bytes core wrote to workers ({@code traffic}), reported in the session-affinity group. */
    ComprehensiveMetrics collect(List<Pool> pools, RequestRouter router, WorkerSharingMetricsSource sharing,
                                 SessionAffinityMetricsSource affinity, SessionTraffic traffic, long nowMillis) {
        List<PoolMetrics> rows = new ArrayList<>(pools.size());
        for (Pool p : pools) {
            rows.add(poolMetrics(p));
        }
        return new ComprehensiveMetrics(nowMillis, rows, distribution(rows), loadBalancing(rows, router),
                workerSharing(rows, sharing),
                sessionAffinity(affinity).withTraffic(traffic.bytesSynced(), traffic.bytesPushed()), performance(rows));
    }

    static PoolMetrics poolMetrics(Pool pool) {
        PoolStats s = pool.stats();
        return new PoolMetrics(pool.id(), pool.config().poolType().name().toLowerCase(Locale.ROOT),
                pool.config().geographicZone(), s.state().name(), pool.config().size(), s.workers(), s.busy(), s.idle(),
                s.queued(), s.lent(), s.borrowed(), s.utilization(), s.completed(), s.failed(), s.timeouts(),
                s.crashes(), s.restarts(), s.meanLatencyMs(), s.p50LatencyMs(), s.p99LatencyMs(), s.meanServiceMs(),
                s.cancelled(), s.refused());
    }

    static PoolDistributionMetrics distribution(List<PoolMetrics> rows) {
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, Integer> byZone = new TreeMap<>();
        Map<String, Integer> workersByPool = new TreeMap<>();
        Map<String, Integer> workersByType = new TreeMap<>();
        int workers = 0;
        for (PoolMetrics p : rows) {
            byType.merge(p.type(), 1, Integer::sum);
            byState.merge(p.state(), 1, Integer::sum);
            byZone.merge(p.zone(), 1, Integer::sum);
            workersByPool.put(p.poolId(), p.workers());
            workersByType.merge(p.type(), p.workers(), Integer::sum);
            workers += p.workers();
        }
        return new PoolDistributionMetrics(rows.size(), workers, byType, byState, byZone, workersByPool, workersByType);
    }

    static LoadBalancingMetrics loadBalancing(List<PoolMetrics> rows, RequestRouter router) {
        Map<String, Long> requests = new TreeMap<>();
        Map<String, Double> responseTimes = new TreeMap<>();
        List<Double> utilization = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        for (PoolMetrics p : rows) {
            requests.put(p.poolId(), p.requests());
            responseTimes.put(p.poolId(), p.meanLatencyMs());
            if (PoolState.RUNNING.name().equals(p.state()) && p.workers() > 0) {
                utilization.add(p.utilization());
                load.add((double) (p.busy() + p.queued()) / p.workers());
            }
        }
        String strategy = null;
        RoutingDecisionStats decisions = RoutingDecisionStats.empty();
        if (router != null) {
            try {
                strategy = router.activeStrategy();
                decisions = decisionStats(router.recentDecisions(DECISION_WINDOW));
            } catch (RuntimeException e) {
                // The router may be going away right now: report without it rather than fail.
                LOG.log(System.Logger.Level.DEBUG, "router unavailable for metrics: {0}", e.toString());
            }
        }
        return new LoadBalancingMetrics(router != null, strategy, decisions, variance(utilization),
                jainFairness(load), requests, responseTimes);
    }

    static RoutingDecisionStats decisionStats(List<RoutingDecision> decisions) {
        Map<String, Long> byPool = new TreeMap<>();
        Map<String, Long> byStrategy = new TreeMap<>();
        Map<String, Long> byOutcome = new TreeMap<>();
        long nanos = 0;
        for (RoutingDecision d : decisions) {
            byPool.merge(d.poolId() == null ? "none" : d.poolId(), 1L, Long::sum);
            byStrategy.merge(String.valueOf(d.strategy()), 1L, Long::sum);
            byOutcome.merge(String.valueOf(d.outcome()), 1L, Long::sum);
            nanos += d.decisionNanos();
        }
        double meanMicros = decisions.isEmpty() ? 0.0 : nanos / 1000.0 / decisions.size();
        return new RoutingDecisionStats(decisions.size(), byPool, byStrategy, byOutcome, meanMicros);
    }

    /** Population variance; 0 for fewer than two values. */
    static double variance(List<Double> values) {
        if (values.size() < 2) {
            return 0.0;
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0.0);
        double sum = 0.0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / values.size();
    }

    /**
     * Jain's fairness index (Σx)² / (n·Σx²): 1 when every pool carries the same load per worker,
     * 1/n when one pool carries it all. No load at all counts as perfectly balanced.
     */
    static double jainFairness(List<Double> values) {
        double sum = 0.0;
        double squares = 0.0;
        for (double v : values) {
            sum += v;
            squares += v * v;
        }
        if (values.isEmpty() || squares == 0.0) {
            return 1.0;
        }
        return sum * sum / (values.size() * squares);
    }

    static WorkerSharingMetrics workerSharing(List<PoolMetrics> rows, WorkerSharingMetricsSource source) {
        int lent = rows.stream().mapToInt(PoolMetrics::lent).sum();
        if (source != null) {
            try {
                WorkerSharingMetrics m = source.workerSharingMetrics();
                if (m != null) {
                    return m;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "worker-sharing metrics failed: {0}", e.toString());
            }
        }
        return WorkerSharingMetrics.withoutService(lent);
    }

    static SessionAffinityMetrics sessionAffinity(SessionAffinityMetricsSource source) {
        if (source != null) {
            try {
                SessionAffinityMetrics m = source.sessionAffinityMetrics();
                if (m != null) {
                    return m;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "session-affinity metrics failed: {0}", e.toString());
            }
        }
        return SessionAffinityMetrics.withoutService();
    }

    CrossPoolPerformanceMetrics performance(List<PoolMetrics> rows) {
        long completed = 0;
        long failed = 0;
        long timeouts = 0;
        long crashes = 0;
        int busy = 0;
        int queued = 0;
        int workers = 0;
        double weightedLatency = 0.0;
        double worstP99 = 0.0;
        for (PoolMetrics p : rows) {
            completed += p.completed();
            failed += p.failed();
            timeouts += p.timeouts();
            crashes += p.crashes();
            busy += p.busy();
            queued += p.queued();
            workers += p.workers();
            weightedLatency += p.meanLatencyMs() * p.requests();
            worstP99 = Math.max(worstP99, p.p99LatencyMs());
        }
        long answered = completed + failed;
        double errorRate = answered == 0 ? 0.0 : (double) failed / answered;
        double meanLatency = answered == 0 ? 0.0 : weightedLatency / answered;
        double utilization = workers == 0 ? 0.0 : (double) busy / workers;
        return new CrossPoolPerformanceMetrics(completed, failed, timeouts, crashes, errorRate, meanLatency, worstP99,
                throughput(answered), busy, queued, utilization);
    }

    /** Requests answered per second since the previous reading at least half a second ago. */
    double throughput(long answered) {
        long now = nanoClock.getAsLong();
        while (true) {
            Reading before = previous.get();
            if (before != null && now - before.nanos() < MIN_RATE_INTERVAL_NANOS) {
                return before.rate();
            }
            double rate = before == null ? 0.0
                    : Math.max(0.0, (answered - before.answered()) / ((now - before.nanos()) / 1e9));
            if (previous.compareAndSet(before, new Reading(now, answered, rate))) {
                return rate;
            }
        }
    }
}
