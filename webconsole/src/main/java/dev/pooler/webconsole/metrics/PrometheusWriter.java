package dev.pooler.webconsole.metrics;

import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.CrossPoolPerformanceMetrics;
import dev.pooler.api.metrics.LoadBalancingMetrics;
import dev.pooler.api.metrics.PoolMetrics;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes a {@link ComprehensiveMetrics} snapshot in the Prometheus text format (version 0.0.4): every
 * metric is named {@code pooler_*}, per-pool ones carry a {@code pool} label, times are in seconds.
 * Groups whose service is absent (worker sharing, session affinity) write only what is known without it.
 */
public final class PrometheusWriter {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusWriter() {
    }

    public static String write(ComprehensiveMetrics m) {
        PrometheusWriter w = new PrometheusWriter();
        w.pools(m.pools());
        w.distribution(m);
        w.loadBalancing(m.loadBalancing());
        w.sharing(m.workerSharing());
        w.affinity(m.sessionAffinity());
        w.performance(m.crossPoolPerformance());
        return w.out.toString();
    }

    private void pools(List<PoolMetrics> pools) {
        perPool(pools, "pooler_pool_size", "gauge", "Configured number of workers.", PoolMetrics::size);
        perPool(pools, "pooler_pool_workers", "gauge", "Workers serving the pool now (own not lent, plus borrowed).", PoolMetrics::workers);
        perPool(pools, "pooler_pool_busy_workers", "gauge", "Workers running a request.", PoolMetrics::busy);
        perPool(pools, "pooler_pool_idle_workers", "gauge", "Workers ready for a request.", PoolMetrics::idle);
        perPool(pools, "pooler_pool_queued_requests", "gauge", "Requests waiting for a worker.", PoolMetrics::queued);
        perPool(pools, "pooler_pool_lent_workers", "gauge", "Own workers lent to other pools.", PoolMetrics::lent);
        perPool(pools, "pooler_pool_borrowed_workers", "gauge", "Other pools' workers serving this pool.", PoolMetrics::borrowed);
        perPool(pools, "pooler_pool_utilization_ratio", "gauge", "Busy over serving workers, 0..1.", PoolMetrics::utilization);
        perPool(pools, "pooler_pool_requests_completed_total", "counter", "Requests answered with a result.", PoolMetrics::completed);
        perPool(pools, "pooler_pool_requests_failed_total", "counter", "Requests answered with an error.", PoolMetrics::failed);
        perPool(pools, "pooler_pool_requests_timed_out_total", "counter", "Requests that timed out.", PoolMetrics::timeouts);
        perPool(pools, "pooler_pool_worker_crashes_total", "counter", "Worker processes that died unexpectedly.", PoolMetrics::crashes);
        perPool(pools, "pooler_pool_worker_restarts_total", "counter", "Workers launched to replace dead or recycled ones.", PoolMetrics::restarts);
        perPool(pools, "pooler_pool_latency_mean_seconds", "gauge", "Mean recent latency (queue + service).", p -> p.meanLatencyMs() / 1000);
        perPool(pools, "pooler_pool_latency_p50_seconds", "gauge", "Median recent latency.", p -> p.p50LatencyMs() / 1000);
        perPool(pools, "pooler_pool_latency_p99_seconds", "gauge", "99th percentile of recent latencies.", p -> p.p99LatencyMs() / 1000);
        perPool(pools, "pooler_pool_service_time_mean_seconds", "gauge", "Mean recent service time, without queueing.", p -> p.meanServiceMs() / 1000);
        header("pooler_pool_info", "gauge", "The pool's type, zone and state, as labels (value 1).");
        for (PoolMetrics p : pools) {
            sample("pooler_pool_info", labels("pool", p.poolId(), "type", p.type(), "zone", p.zone(), "state", p.state()), 1);
        }
    }

    private void distribution(ComprehensiveMetrics m) {
        single("pooler_pools", "gauge", "Number of pools.", m.poolDistribution().pools());
        single("pooler_workers", "gauge", "Workers serving any pool.", m.poolDistribution().workers());
        labelled("pooler_pools_by_type", "gauge", "Pools per type.", "type", m.poolDistribution().poolsByType());
        labelled("pooler_pools_by_state", "gauge", "Pools per state.", "state", m.poolDistribution().poolsByState());
        labelled("pooler_workers_by_type", "gauge", "Serving workers per pool type.", "type", m.poolDistribution().workersByType());
    }

    private void loadBalancing(LoadBalancingMetrics lb) {
        single("pooler_router_up", "gauge", "1 when a request router is running.", lb.routerAvailable() ? 1 : 0);
        if (lb.activeStrategy() != null) {
            header("pooler_strategy_active", "gauge", "The load-balancing strategy in use (value 1).");
            sample("pooler_strategy_active", labels("strategy", lb.activeStrategy()), 1);
        }
        single("pooler_pool_utilization_variance", "gauge", "Population variance of the pools' utilization.", lb.poolUtilizationVariance());
        single("pooler_load_balancing_efficiency", "gauge", "Jain's fairness index of load per worker over running pools (1 = even).", lb.loadBalancingEfficiency());
        labelled("pooler_pool_requests_total", "counter", "Requests answered per pool (request distribution).", "pool", lb.requestDistribution());
        single("pooler_routing_decisions_window", "gauge", "Recent routing decisions the routing figures cover.", lb.routingDecisions().window());
        labelled("pooler_routing_decisions_by_pool", "gauge", "Recent routing decisions per chosen pool.", "pool", lb.routingDecisions().byPool());
        labelled("pooler_routing_decisions_by_strategy", "gauge", "Recent routing decisions per strategy.", "strategy", lb.routingDecisions().byStrategy());
        labelled("pooler_routing_decisions_by_outcome", "gauge", "Recent routing decisions per outcome.", "outcome", lb.routingDecisions().byOutcome());
        single("pooler_routing_decision_mean_seconds", "gauge", "Mean time spent deciding, over recent decisions.", lb.routingDecisions().meanDecisionMicros() / 1e6);
    }

    private void sharing(WorkerSharingMetrics s) {
        single("pooler_worker_sharing_up", "gauge", "1 when a worker-sharing service reports its figures.", s.serviceAvailable() ? 1 : 0);
        single("pooler_workers_shared", "gauge", "Workers serving a pool other than their owner.", s.workersCurrentlyShared());
        if (s.serviceAvailable()) {
            single("pooler_sharing_agreements_active", "gauge", "Sharing agreements in force.", s.activeSharingAgreements());
            single("pooler_sharing_efficiency_ratio", "gauge", "Share of loans that shortened the borrower's queue.", s.sharingEfficiency());
            single("pooler_migration_success_ratio", "gauge", "Share of migrations completed without rollback.", s.migrationSuccessRate());
            single("pooler_sharing_duration_mean_seconds", "gauge", "Mean loan duration.", s.sharingDurationStats().meanMs() / 1000);
            single("pooler_sharing_duration_max_seconds", "gauge", "Longest loan.", s.sharingDurationStats().maxMs() / 1000);
        }
    }

    private void affinity(SessionAffinityMetrics a) {
        single("pooler_session_affinity_up", "gauge", "1 when a session-affinity service reports its figures.", a.serviceAvailable() ? 1 : 0);
        if (a.serviceAvailable()) {
            single("pooler_sessions_active", "gauge", "Sessions with an affinity.", a.activeSessions());
            labelled("pooler_sessions_by_pool", "gauge", "Sessions per preferred pool.", "pool", a.sessionsByPool());
            labelled("pooler_sessions_by_strength", "gauge", "Sessions per affinity strength.", "strength", a.sessionsByStrength());
            single("pooler_session_affinity_hit_ratio", "gauge", "Share of session requests served by their preferred pool.", a.affinityHitRate());
            single("pooler_session_migrations_total", "counter", "Sessions moved to another pool.", a.sessionMigrations());
        }
        single("pooler_session_bytes_synced_total", "counter",
                "Bytes of session state written to workers (with requests and by pushes).", a.bytesSynced());
        single("pooler_session_bytes_pushed_total", "counter",
                "Bytes of session state pushed to workers ahead of requests (eager sync, sync calls).", a.bytesPushed());
    }

    private void performance(CrossPoolPerformanceMetrics p) {
        single("pooler_requests_completed_total", "counter", "Requests answered with a result, all pools.", p.completed());
        single("pooler_requests_failed_total", "counter", "Requests answered with an error, all pools.", p.failed());
        single("pooler_requests_timed_out_total", "counter", "Requests that timed out, all pools.", p.timeouts());
        single("pooler_worker_crashes_total", "counter", "Worker crashes, all pools.", p.crashes());
        single("pooler_error_ratio", "gauge", "Failed over answered requests.", p.errorRate());
        single("pooler_latency_mean_seconds", "gauge", "Mean recent latency, weighted by requests.", p.meanLatencyMs() / 1000);
        single("pooler_latency_p99_worst_seconds", "gauge", "The highest p99 latency of any pool.", p.worstP99LatencyMs() / 1000);
        single("pooler_throughput_requests_per_second", "gauge", "Requests answered per second, recently.", p.throughputPerSecond());
        single("pooler_busy_workers", "gauge", "Workers running a request, all pools.", p.busyWorkers());
        single("pooler_queued_requests", "gauge", "Requests waiting, all pools.", p.queuedRequests());
        single("pooler_utilization_ratio", "gauge", "Busy over serving workers, all pools.", p.overallUtilization());
    }

    // ---- format

    private void perPool(List<PoolMetrics> pools, String name, String type, String help, ToDoubleFunction<PoolMetrics> value) {
        header(name, type, help);
        for (PoolMetrics p : pools) {
            sample(name, labels("pool", p.poolId()), value.applyAsDouble(p));
        }
    }

    private void single(String name, String type, String help, double value) {
        header(name, type, help);
        sample(name, "", value);
    }

    private void labelled(String name, String type, String help, String label, Map<String, ? extends Number> values) {
        header(name, type, help);
        values.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sample(name, labels(label, e.getKey()), e.getValue().doubleValue()));
    }

    private void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    /** {@code {a="x",b="y"}} from name/value pairs. */
    static String labels(String... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(pairs[i]).append("=\"").append(escapeLabel(pairs[i + 1])).append('"');
        }
        return b.append('}').toString();
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escapeLabel(String v) {
        if (v == null) {
            return "";
        }
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Help text escapes backslash and line feed. */
    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }
}
