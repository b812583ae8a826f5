package dev.pooler.webconsole.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.CrossPoolPerformanceMetrics;
import dev.pooler.api.metrics.DurationStats;
import dev.pooler.api.metrics.HistogramSnapshot;
import dev.pooler.api.metrics.LatencyHistograms;
import dev.pooler.api.metrics.LoadBalancingMetrics;
import dev.pooler.api.metrics.PoolDistributionMetrics;
import dev.pooler.api.metrics.PoolMetrics;
import dev.pooler.api.metrics.RoutingDecisionStats;
import dev.pooler.api.metrics.SessionAffinityMetrics;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusWriterTest {

    static ComprehensiveMetrics metrics(WorkerSharingMetrics sharing) {
        PoolMetrics general = new PoolMetrics("general_pool", "general", "default", "RUNNING", 8, 8, 2, 6, 1, 0, 0, 0.25,
                100, 4, 1, 0, 0, 12.5, 10.0, 40.0, 8.0, 0, 7);
        PoolMetrics odd = new PoolMetrics("odd\"pool\\", "specialized", "eu\nwest", "RUNNING", 1, 1, 0, 1, 0, 0, 0, 0.0,
                0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0);
        return new ComprehensiveMetrics(1L, List.of(general, odd),
                new PoolDistributionMetrics(2, 9, Map.of("general", 1, "specialized", 1), Map.of("RUNNING", 2),
                        Map.of("default", 1), Map.of("general_pool", 8), Map.of("general", 8)),
                new LoadBalancingMetrics(true, "p2c", new RoutingDecisionStats(3, Map.of("general_pool", 3L),
                        Map.of("p2c", 3L), Map.of("ok", 2L, "TIMEOUT", 1L), 2.5), 0.01, 0.95,
                        Map.of("general_pool", 104L), Map.of("general_pool", 12.5)),
                sharing, SessionAffinityMetrics.withoutService().withTraffic(5120, 1024),
                new CrossPoolPerformanceMetrics(100, 4, 1, 0, 0.04, 12.5, 40.0, 3.5, 2, 1, 2.0 / 9));
    }

    @Test
    void writesPoolMetricsWithPoolLabels() {
        String text = PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(0)));
        assertTrue(text.contains("# TYPE pooler_pool_workers gauge\n"));
        assertTrue(text.contains("pooler_pool_workers{pool=\"general_pool\"} 8.0\n"));
        assertTrue(text.contains("pooler_pool_busy_workers{pool=\"general_pool\"} 2.0\n"));
        assertTrue(text.contains("pooler_pool_utilization_ratio{pool=\"general_pool\"} 0.25\n"));
        assertTrue(text.contains("# TYPE pooler_pool_requests_completed_total counter\n"));
        assertTrue(text.contains("pooler_pool_requests_completed_total{pool=\"general_pool\"} 100.0\n"));
        assertTrue(text.contains("pooler_pool_requests_refused_total{pool=\"general_pool\"} 7.0\n"), text);
        assertTrue(text.contains("pooler_pool_latency_p99_seconds{pool=\"general_pool\"} 0.04\n"));
        assertTrue(text.contains("pooler_strategy_active{strategy=\"p2c\"} 1.0\n"));
        assertTrue(text.contains("pooler_routing_decisions_by_outcome{outcome=\"TIMEOUT\"} 1.0\n"));
        assertTrue(text.contains("pooler_load_balancing_efficiency 0.95\n"));
        assertTrue(text.contains("pooler_throughput_requests_per_second 3.5\n"));
    }

    @Test
    void escapesLabelValues() {
        String text = PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(0)));
        assertTrue(text.contains("pooler_pool_workers{pool=\"odd\\\"pool\\\\\"} 1.0\n"), text);
        assertTrue(text.contains("zone=\"eu\\nwest\""));
    }

    @Test
    void everyLineIsACommentOrAWellFormedSample() {
        Pattern sample = Pattern.compile("pooler_[a-z0-9_]+(\\{[a-z_]+=\"([^\"\\\\\\n]|\\\\.)*\"(,[a-z_]+=\"([^\"\\\\\\n]|\\\\.)*\")*\\})? [-+0-9.eE]+|NaN|[+-]Inf");
        for (String line : PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(0))).split("\n")) {
            assertTrue(line.startsWith("# HELP pooler_") || line.startsWith("# TYPE pooler_") || sample.matcher(line).matches(), line);
        }
    }

    @Test
    void histogramsFollowThePrometheusConventions() {
        HistogramSnapshot general = new HistogramSnapshot(Map.of("pool", "general_pool", "family", "general"),
                List.of(0.001, 0.01, 0.1), List.of(2L, 5L, 5L), 0.042, 6);
        HistogramSnapshot embed = new HistogramSnapshot(Map.of("pool", "general_pool", "family", "embedding"),
                List.of(0.001, 0.01, 0.1), List.of(0L, 0L, 1L), 0.05, 1);
        HistogramSnapshot decisions = new HistogramSnapshot(Map.of("strategy", "p2c"),
                List.of(0.00001, 0.0001), List.of(7L, 9L), 0.0002, 9);
        String text = PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(0)),
                new LatencyHistograms(List.of(general, embed), List.of(), List.of(), List.of(decisions)));
        assertTrue(text.contains("# TYPE pooler_request_duration_seconds histogram\n"), text);
        // cumulative buckets, ending with +Inf = count; labels sorted; then _count and _sum
        assertTrue(text.contains(
                "pooler_request_duration_seconds_bucket{family=\"general\",pool=\"general_pool\",le=\"0.001\"} 2\n"
                + "pooler_request_duration_seconds_bucket{family=\"general\",pool=\"general_pool\",le=\"0.01\"} 5\n"
                + "pooler_request_duration_seconds_bucket{family=\"general\",pool=\"general_pool\",le=\"0.1\"} 5\n"
                + "pooler_request_duration_seconds_bucket{family=\"general\",pool=\"general_pool\",le=\"+Inf\"} 6\n"
                + "pooler_request_duration_seconds_count{family=\"general\",pool=\"general_pool\"} 6\n"
                + "pooler_request_duration_seconds_sum{family=\"general\",pool=\"general_pool\"} 0.042\n"), text);
        assertTrue(text.contains("pooler_request_duration_seconds_bucket{family=\"embedding\",pool=\"general_pool\",le=\"0.1\"} 1\n"));
        assertTrue(text.contains("pooler_routing_decision_seconds_bucket{strategy=\"p2c\",le=\"1.0E-5\"} 7\n"), text);
        assertTrue(text.contains("pooler_routing_decision_seconds_count{strategy=\"p2c\"} 9\n"));
        assertFalse(text.contains("pooler_queue_wait_seconds"), "a histogram without series is left out");
        assertFalse(text.contains("pooler_request_duration_seconds_created"));
    }

    @Test
    void sharingFiguresAppearOnlyWithTheirService() {
        String without = PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(2)));
        assertTrue(without.contains("pooler_worker_sharing_up 0.0\n"));
        assertTrue(without.contains("pooler_workers_shared 2.0\n"));
        assertFalse(without.contains("pooler_sharing_agreements_active"));
        assertFalse(without.contains("pooler_sessions_active"));

        String with = PrometheusWriter.write(metrics(new WorkerSharingMetrics(true, 3, 2, 0.5, 1.0, new DurationStats(2, 1500, 2000, 2000))));
        assertTrue(with.contains("pooler_sharing_agreements_active 3.0\n"));
        assertTrue(with.contains("pooler_sharing_duration_mean_seconds 1.5\n"));
    }

    @Test
    void sessionBytesAreReportedWithOrWithoutTheAffinityService() {
        String text = PrometheusWriter.write(metrics(WorkerSharingMetrics.withoutService(0)));
        assertTrue(text.contains("pooler_session_affinity_up 0.0\n"), text);
        assertTrue(text.contains("# TYPE pooler_session_bytes_synced_total counter\n") || text.contains("# TYPE pooler_session_bytes_synced counter\n"), text);
        assertTrue(text.contains("pooler_session_bytes_synced_total 5120.0\n"), text);
        assertTrue(text.contains("pooler_session_bytes_pushed_total 1024.0\n"), text);
    }
}
