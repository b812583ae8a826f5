package dev.pooler.bench.benefits;

import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolState;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.ResourceLimits;
import dev.pooler.api.SharingPolicy;
import dev.pooler.api.WorkerSpec;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.bench.BenchLoadBalancing;
import dev.pooler.bench.FixedPoolRegistry;
import dev.pooler.core.impl.events.EventSink;
import dev.pooler.core.impl.exchange.WorkerExchangeService;
import dev.pooler.core.impl.pool.PoolLookup;
import dev.pooler.core.impl.pool.PoolRuntime;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.routing.RoutingEngine;
import dev.pooler.core.impl.routing.StandaloneRouter;
import dev.pooler.sharing.internal.SharingConfiguration;
import dev.pooler.sharing.internal.WorkerSharingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The seed's three pools (its "Multi-Pool Configuration": sizes, types, priorities, sharing policies,
 * specializations, capabilities), as real {@link PythonPool}s of the {@code bench} adapter on a plain
 * classpath, started once for all runs (a start of 18 interpreters costs seconds on a busy machine). The real
 * worker-sharing service runs over them when asked, one fresh instance per run; stopping it sends every loan
 * home. Closing stops the sharing service first, then the pools.
 */
final class SeedPools implements AutoCloseable {

    /** One pool of the seed's configuration. */
    record Spec(String id, PoolType type, int size, Priority priority, SharingPolicy policy, String specialization,
                List<String> capabilities) {
    }

    /** In this order: the index of a pool is the index of the demand class it specializes in. */
    static final List<Spec> SPECS = List.of(
            new Spec("general_pool", PoolType.GENERAL, 8, Priority.MEDIUM, SharingPolicy.OVERFLOW, null,
                    List.of(PoolConfig.ALL)),
            new Spec("embedding_pool", PoolType.EMBEDDING, 4, Priority.HIGH, SharingPolicy.STRICT, "text-embedding-ada-002",
                    List.of("embedding", "similarity", "clustering")),
            new Spec("generation_pool", PoolType.GENERATION, 6, Priority.HIGH, SharingPolicy.ADAPTIVE, "gpt-4",
                    List.of("generation", "completion", "reasoning")));

    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "benefits-pool-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final PoolRuntime runtime;
    private final List<PythonPool> pools = new ArrayList<>();
    private final FixedPoolRegistry registry;
    private final WorkerExchangeService exchange;
    private WorkerSharingService sharing;

    private SeedPools(Path runtimeDir, String python) throws InterruptedException {
        runtime = PoolRuntime.create(runtimeDir, scheduler, EventSink.NONE);
        // Queues never refuse and nothing times out: the bench measures waiting, not admission control.
        ResourceLimits d = ResourceLimits.defaults();
        ResourceLimits limits = new ResourceLimits(1_000_000, Duration.ofMinutes(10), d.maxMemoryMb(), 0,
                d.maxRestarts(), d.restartWindow());
        try {
            for (Spec s : SPECS) {
                PythonPool p = new PythonPool(PoolConfig.builder().poolId(s.id()).poolType(s.type()).size(s.size())
                        .priority(s.priority()).sharingPolicy(s.policy()).specialization(s.specialization())
                        .capabilities(s.capabilities()).resourceLimits(limits)
                        .workerSpec(WorkerSpec.defaults().withAdapter("bench").withPython(python)).build(), runtime);
                pools.add(p);
                p.start();
            }
            for (PythonPool p : pools) {
                if (!p.awaitReady(READY_TIMEOUT)) {
                    String why = p.failure();
                    throw new IllegalStateException("pool " + p.id() + " did not start" + (why == null ? "" : ": " + why));
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        registry = new FixedPoolRegistry(pools);
        PoolLookup lookup = new PoolLookup() {
            @Override
            public Optional<PythonPool> pool(String poolId) {
                return pools.stream().filter(p -> p.id().equals(poolId)).findFirst();
            }

            @Override
            public Collection<PythonPool> pools() {
                return pools;
            }
        };
        exchange = new WorkerExchangeService(lookup, EventSink.NONE, scheduler, runtime.answers());
    }

    /** Starts the three pools and waits until every worker is ready. */
    static SeedPools start(Path runtimeDir, String python) throws InterruptedException {
        return new SeedPools(runtimeDir, python);
    }

    List<PythonPool> pools() {
        return pools;
    }

    /**
     * The real router over these pools with {@code strategy} bound as {@code name}, configured as the seed's
     * {@code load_balancing} section (worker sharing on, migration threshold 0.7) with the given rebalance interval.
     */
    RoutingEngine router(String name, LoadBalancingStrategy strategy, long rebalanceIntervalMs) {
        RoutingEngine engine = StandaloneRouter.create(registry, new BenchLoadBalancing(name, rebalanceIntervalMs, 0),
                strategy, Map.of(LoadBalancingStrategy.NAME, name));
        if (!name.equals(engine.activeStrategy())) {
            throw new IllegalStateException("the router routes with " + engine.activeStrategy() + ", not " + name);
        }
        return engine;
    }

    /** Starts the real worker-sharing service over these pools; {@code router} gives it the load-balancing settings. */
    void shareWorkers(RoutingEngine router, SharingConfiguration limits) {
        if (sharing != null) {
            throw new IllegalStateException("worker sharing is already on");
        }
        sharing = new WorkerSharingService(exchange, registry, router, limits);
    }

    /** Stops the worker-sharing service; every lent worker goes home first. */
    void stopSharing() {
        if (sharing != null) {
            WorkerSharingService s = sharing;
            sharing = null;
            s.deactivate();
        }
    }

    /**
     * Waits until every pool is at rest as configured: running, all its own workers home and idle, nothing
     * queued, nothing lent or borrowed.
     */
    void awaitSettled(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String why = unsettled();
            if (why == null) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the pools did not come to rest within " + timeout.toSeconds() + " s: " + why);
            }
            Thread.sleep(20);
        }
    }

    private String unsettled() {
        for (int i = 0; i < pools.size(); i++) {
            PoolStats s = pools.get(i).stats();
            if (s.state() != PoolState.RUNNING || s.workers() != SPECS.get(i).size() || s.busy() != 0 || s.queued() != 0
                    || s.lent() != 0 || s.borrowed() != 0) {
                return s.toString();
            }
        }
        return null;
    }

    @Override
    public void close() {
        try {
            stopSharing();
        } finally {
            for (PythonPool p : pools) {
                try {
                    p.stop(Duration.ofSeconds(5));
                } catch (RuntimeException ignored) {
                    // stopping the others anyway
                }
            }
            scheduler.shutdownNow();
            runtime.answers().shutdown();
        }
    }
}
