package dev.pooler.core.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.metrics.ComprehensiveMetrics;
import dev.pooler.api.metrics.DurationStats;
import dev.pooler.api.metrics.WorkerSharingMetrics;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsCollectorTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final MetricsCollector collector = new MetricsCollector(nanos::get);

    @Test
    void groupsAreComputedFromPoolStats() {
        Pool general = pool("general_pool", PoolType.GENERAL, 8, stats("general_pool", 8, 4, 0, 0, 90, 10, 20.0, 80.0));
        Pool embedding = pool("embedding_pool", PoolType.EMBEDDING, 4, stats("embedding_pool", 4, 4, 4, 1, 50, 0, 10.0, 30.0));

        ComprehensiveMetrics m = collector.collect(List.of(embedding, general), null, null, null, 42L);

        assertEquals(42L, m.timestampMillis());
        assertEquals(2, m.poolDistribution().pools());
        assertEquals(12, m.poolDistribution().workers());
        assertEquals(1, m.poolDistribution().poolsByType().get("embedding"));
        assertEquals(8, m.poolDistribution().workersByPool().get("general_pool"));
        assertEquals(2, m.poolDistribution().poolsByState().get("RUNNING"));

        // utilizations 0.5 and 1.0: variance 0.0625
        assertEquals(0.0625, m.loadBalancing().poolUtilizationVariance(), 1e-9);
        // loads 0.5 and 2.0: (2.5)^2 / (2 * 4.25) = 0.735...
        assertEquals(6.25 / 8.5, m.loadBalancing().loadBalancingEfficiency(), 1e-9);
        assertEquals(100L, m.loadBalancing().requestDistribution().get("general_pool"));
        assertEquals(20.0, m.loadBalancing().averageResponseTimeMsByPool().get("general_pool"));
        assertFalse(m.loadBalancing().routerAvailable());
        assertNull(m.loadBalancing().activeStrategy());

        assertFalse(m.workerSharing().serviceAvailable());
        assertEquals(1, m.workerSharing().workersCurrentlyShared());
        assertFalse(m.sessionAffinity().serviceAvailable());

        assertEquals(140, m.crossPoolPerformance().completed());
        assertEquals(10, m.crossPoolPerformance().failed());
        assertEquals(10.0 / 150, m.crossPoolPerformance().errorRate(), 1e-9);
        assertEquals((20.0 * 100 + 10.0 * 50) / 150, m.crossPoolPerformance().meanLatencyMs(), 1e-9);
        assertEquals(80.0, m.crossPoolPerformance().worstP99LatencyMs());
        assertEquals(8.0 / 12, m.crossPoolPerformance().overallUtilization(), 1e-9);
    }

    @Test
    void evenLoadIsPerfectlyEfficientAndIdleCountsAsBalanced() {
        assertEquals(1.0, MetricsCollector.jainFairness(List.of(1.0, 1.0, 1.0)), 1e-12);
        assertEquals(1.0, MetricsCollector.jainFairness(List.of(0.0, 0.0)), 1e-12);
        assertEquals(1.0 / 3, MetricsCollector.jainFairness(List.of(3.0, 0.0, 0.0)), 1e-12);
        assertEquals(0.0, MetricsCollector.variance(List.of(0.7)), 1e-12);
    }

    @Test
    void routingDecisionsAreCountedFromTheRouter() {
        RequestRouter router = new FakeRouter(List.of(
                new RoutingDecision(1, "echo", "bench", "p2c", "general_pool", 2, 4000, "ok"),
                new RoutingDecision(2, "embed", "embedding", "p2c", "embedding_pool", 2, 2000, "ok"),
                new RoutingDecision(3, "nope", "nope", "p2c", null, 0, 0, "NO_CAPABLE_POOL")));

        ComprehensiveMetrics m = collector.collect(List.of(), router, null, null, 0L);

        assertTrue(m.loadBalancing().routerAvailable());
        assertEquals("p2c", m.loadBalancing().activeStrategy());
        assertEquals(3, m.loadBalancing().routingDecisions().window());
        assertEquals(1L, m.loadBalancing().routingDecisions().byPool().get("none"));
        assertEquals(2L, m.loadBalancing().routingDecisions().byOutcome().get("ok"));
        assertEquals(2.0, m.loadBalancing().routingDecisions().meanDecisionMicros(), 1e-9);
    }

    @Test
    void pluginFiguresReplaceTheDefaults() {
        WorkerSharingMetrics fromPlugin = new WorkerSharingMetrics(true, 2, 3, 0.8, 1.0, new DurationStats(4, 10, 20, 19));
        ComprehensiveMetrics m = collector.collect(List.of(), null, () -> fromPlugin, () -> {
            throw new IllegalStateException("affinity broken");
        }, 0L);
        assertEquals(fromPlugin, m.workerSharing());
        assertFalse(m.sessionAffinity().serviceAvailable(), "a failing source reads as absent");
    }

    @Test
    void throughputIsTheRateBetweenReadings() {
        assertEquals(0.0, collector.throughput(100));
        nanos.addAndGet(2_000_000_000L);
        assertEquals(50.0, collector.throughput(200), 1e-9);
        nanos.addAndGet(100_000_000L); // too soon: the previous rate stands
        assertEquals(50.0, collector.throughput(10_000), 1e-9);
    }

    static PoolStats stats(String id, int workers, int busy, int queued, int lent, long completed, long failed,
                           double meanLatency, double p99) {
        return new PoolStats(id, PoolState.RUNNING, workers, busy, workers - busy, queued, lent, 0, completed, failed,
                0, 0, 0, meanLatency, meanLatency, p99, meanLatency / 2);
    }

    static Pool pool(String id, PoolType type, int size, PoolStats stats) {
        PoolConfig config = PoolConfig.builder().poolId(id).poolType(type).size(size).build();
        return new Pool() {
            @Override public String id() { return id; }
            @Override public dev.pooler.api.ResponseStream stream(dev.pooler.api.Request r) { throw new UnsupportedOperationException(); }
            @Override public boolean cancel(long requestId) { return false; }
            @Override public PoolConfig config() { return config; }
            @Override public PoolState state() { return stats.state(); }
            @Override public CompletionStage<Response> execute(Request request) { throw new UnsupportedOperationException(); }
            @Override public PoolStats stats() { return stats; }
            @Override public List<WorkerInfo> workers() { return List.of(); }
        };
    }

    private record FakeRouter(List<RoutingDecision> decisions) implements RequestRouter {
        @Override public CompletionStage<Response> route(Request request) { throw new UnsupportedOperationException(); }
        @Override public dev.pooler.api.ResponseStream stream(Request request) { throw new UnsupportedOperationException(); }
        @Override public boolean cancel(long requestId) { return false; }
        @Override public String activeStrategy() { return "p2c"; }
        @Override public String configuredStrategy() { return "p2c"; }
        @Override public dev.pooler.api.routing.LoadBalancingSettings loadBalancing() {
            return new dev.pooler.api.routing.LoadBalancingSettings("p2c", 30_000, true, 0.7);
        }
        @Override public Set<String> availableStrategies() { return Set.of("p2c"); }
        @Override public String capabilityOf(String command) { return command; }
        @Override public List<RoutingDecision> recentDecisions(int max) { return decisions; }
    }
}
