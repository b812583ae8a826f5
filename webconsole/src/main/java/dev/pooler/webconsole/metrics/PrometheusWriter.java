package dev.pooler.webconsole.metrics;

import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.CrossPoolPerformanceMetrics;
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.api.metrics.LoadBalancingMetrics;
import dev.pooler.api.metrics.PoolMetrics;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Writes a {@link ComprehensiveMetrics} snapshot and the {@link LatencyHistograms} in the Prometheus text
 * format (version 0.0.4): every metric is named {@code pooler_*}, per-pool ones carry a {@code pool} label,
 * times are in seconds. Groups whose service is absent (worker sharing, session affinity) write only what is
 * known without it. The text itself is written by the Prometheus Java client's writer (embedded in this
 * bundle): this class only says which metrics there are.
 */
public final class PrometheusWriter {

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final List<MetricSnapshot> out = new ArrayList<>(96);

    private PrometheusWriter() {
    }

    public static String write(ComprehensiveMetrics m) {
        return write(m, LatencyHistograms.empty());
    }

    public static String write(ComprehensiveMetrics m, LatencyHistograms h) {
        PrometheusWriter w = new PrometheusWriter();
        w.pools(m.pools());
        w.distribution(m);
        w.loadBalancing(m.loadBalancing());
        w.sharing(m.workerSharing());
        w.affinity(m.sessionAffinity());
        w.performance(m.crossPoolPerformance());
        w.histograms(h);
        return w.text();
    }

    private void histograms(LatencyHistograms h) {
        histogram("pooler_request_duration_seconds", "Time from a pool accepting a request to its answer (queue + service),"
                + " per pool and command family; refused requests are not in it.", h.requestDuration());
        histogram("pooler_queue_wait_seconds", "Time a request waited in its pool's queue before a worker took it.", h.queueWait());
        histogram("pooler_worker_start_seconds", "Time from launching a worker process to its ready message.", h.workerStart());
        histogram("pooler_routing_decision_seconds", "Time the router spent choosing a pool, per strategy.", h.routingDecision());
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
        perPool(pools, "pooler_pool_requests_refused_total", "counter",
                "Requests turned away before a worker saw them (queue full, pool failed or stopping); not in failed.", PoolMetrics::refused);
        perPool(pools, "pooler_pool_worker_crashes_total", "counter", "Worker processes that died unexpectedly.", PoolMetrics::crashes);
        perPool(pools, "pooler_pool_worker_restarts_total", "counter", "Workers launched to replace dead or recycled ones.", PoolMetrics::restarts);
        perPool(pools, "pooler_pool_latency_mean_seconds", "gauge", "Mean recent latency (queue + service).", p -> p.meanLatencyMs() / 1000);
        perPool(pools, "pooler_pool_latency_p50_seconds", "gauge", "Median recent latency.", p -> p.p50LatencyMs() / 1000);
        perPool(pools, "pooler_pool_latency_p99_seconds", "gauge", "99th percentile of recent latencies.", p -> p.p99LatencyMs() / 1000);
        perPool(pools, "pooler_pool_service_time_mean_seconds", "gauge", "Mean recent service time, without queueing.", p -> p.meanServiceMs() / 1000);
        info("pooler_pool_info", "The pool's type, zone and state, as labels (value 1).", pools.stream()
                .map(p -> Labels.of("pool", p.poolId(), "type", p.type(), "zone", p.zone(), "state", p.state())).toList());
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
            labelled("pooler_strategy_active", "gauge", "The load-balancing strategy in use (value 1).", "strategy",
                    Map.of(lb.activeStrategy(), 1));
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

    // ---- format: each metric becomes a snapshot of the Prometheus client's model; its writer does the text

    private void perPool(List<PoolMetrics> pools, String name, String type, String help, ToDoubleFunction<PoolMetrics> value) {
        List<Point> points = new ArrayList<>(pools.size());
        for (PoolMetrics p : pools) {
            points.add(new Point(Labels.of("pool", p.poolId()), value.applyAsDouble(p)));
        }
        add(name, type, help, points);
    }

    private void single(String name, String type, String help, double value) {
        add(name, type, help, List.of(new Point(Labels.EMPTY, value)));
    }

    private void labelled(String name, String type, String help, String label, Map<String, ? extends Number> values) {
        List<Point> points = new ArrayList<>(values.size());
        values.forEach((k, v) -> points.add(new Point(Labels.of(label, k), v.doubleValue())));
        add(name, type, help, points);
    }

    /** A metric whose value is 1 and whose labels are the information (Prometheus' "info" type). */
    private void info(String name, String help, List<Labels> labels) {
        String base = name.endsWith("_info") ? name.substring(0, name.length() - "_info".length()) : name;
        List<InfoSnapshot.InfoDataPointSnapshot> points = new ArrayList<>(labels.size());
        labels.forEach(l -> points.add(new InfoSnapshot.InfoDataPointSnapshot(l)));
        out.add(new InfoSnapshot(new MetricMetadata(base, help), points));
    }

    private record Point(Labels labels, double value) {
    }

    private void add(String name, String type, String help, List<Point> points) {
        if ("counter".equals(type)) {
            // The model names a counter without its suffix; the writer appends _total.
            String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            List<CounterSnapshot.CounterDataPointSnapshot> data = new ArrayList<>(points.size());
            points.forEach(p -> data.add(new CounterSnapshot.CounterDataPointSnapshot(p.value(), p.labels(), null, 0L)));
            out.add(new CounterSnapshot(new MetricMetadata(base, help), data));
        } else {
            List<GaugeSnapshot.GaugeDataPointSnapshot> data = new ArrayList<>(points.size());
            points.forEach(p -> data.add(new GaugeSnapshot.GaugeDataPointSnapshot(p.value(), p.labels(), null)));
            out.add(new GaugeSnapshot(new MetricMetadata(name, help), data));
        }
    }

    private void histogram(String name, String help, List<HistogramSnapshot> series) {
        List<io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot> data = new ArrayList<>(series.size());
        for (HistogramSnapshot h : series) {
            int n = h.upperBounds().size();
            double[] bounds = new double[n + 1];
            long[] perBucket = new long[n + 1];
            long below = 0;
            for (int i = 0; i < n; i++) {
                bounds[i] = h.upperBounds().get(i);
                long cumulative = h.cumulativeCounts().get(i);
                perBucket[i] = cumulative - below; // the model holds counts per bucket; the writer accumulates
                below = cumulative;
            }
            bounds[n] = Double.POSITIVE_INFINITY;
            perBucket[n] = h.count() - below;
            Labels labels = Labels.EMPTY;
            for (Map.Entry<String, String> e : new TreeMap<>(h.labels()).entrySet()) {
                labels = labels.add(e.getKey(), e.getValue());
            }
            data.add(new io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot(
                    ClassicHistogramBuckets.of(bounds, perBucket), h.sum(), labels, null, 0L));
        }
        out.add(new io.prometheus.metrics.model.snapshots.HistogramSnapshot(new MetricMetadata(name, help), data));
    }

    private String text() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        try {
            TEXT.write(bytes, new MetricSnapshots(out), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
