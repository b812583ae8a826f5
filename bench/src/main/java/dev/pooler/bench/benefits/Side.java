package dev.pooler.bench.benefits;

import com.google.gson.JsonObject;
import dev.pooler.api.Request;
import dev.pooler.bench.strategies.Contenders;
import dev.pooler.core.impl.routing.RoutingEngine;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One contender of a figure: how requests reach the seed's pools (straight to their class's own pool, or
 * through the real router with a strategy) and whether the real worker-sharing service runs. Every run of
 * a side gets a fresh router, strategy and sharing service, so nothing learned in one run helps the next; the
 * worker processes are the same for every run (pools at rest between runs), so no side has warmer ones.
 */
enum Side {

    /** Figure 1: each class's requests straight to its own pool; the pools as configured. */
    OWN_POOLS("without sharing", null, false),
    /** Figure 1: the same, with worker sharing. */
    OWN_POOLS_SHARING("with sharing", null, true),
    /** Figures 2 and 3: routed with {@code round_robin} over the capable pools, no sharing: a static split. */
    ROUND_ROBIN("round_robin", "round_robin", false),
    /** Figure 2: routed with {@code ml_optimized}, no sharing. */
    ML_OPTIMIZED("ml_optimized", "ml_optimized", false),
    /** Figure 3: routed with {@code ml_optimized}, with worker sharing. */
    ML_OPTIMIZED_SHARING("sharing + ml_optimized", "ml_optimized", true);

    final String label;
    /** The routing strategy, or null: straight to the class's own pool. */
    final String strategy;
    final boolean sharing;

    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    Side(String label, String strategy, boolean sharing) {
        this.label = label;
        this.strategy = strategy;
        this.sharing = sharing;
    }

    /** What every run shares: the worker runtime, the interpreter, the request's sleep, the sharing settings. */
    record Setup(Path runtimeDir, String python, int serviceMs, SharingWindows windows, long rebalanceIntervalMs) {
    }

    /**
     * One run of this side on {@code pools}, settled first (every worker home and idle); a fresh router and
     * strategy, and (if this side shares) a fresh worker-sharing service, stopped after the run.
     */
    ShiftRun.Result run(Setup setup, SeedPools pools, ShiftingDemand.Schedule schedule) throws InterruptedException {
        JsonObject args = new JsonObject();
        args.addProperty("ms", setup.serviceMs());
        Request[] requests = new Request[ShiftingDemand.CAPABILITIES.length];
        for (int c = 0; c < requests.length; c++) {
            requests[c] = Request.builder("sleep").args(args).capability(ShiftingDemand.CAPABILITIES[c]).build();
        }
        pools.awaitSettled(SETTLE_TIMEOUT);
        // Without a routing strategy of its own the side still needs a router: the sharing service reads
        // the load-balancing settings (sharing on, migration threshold, rebalance interval) from it.
        String name = strategy == null ? "round_robin" : strategy;
        RoutingEngine router = pools.router(name, Contenders.create(name, 0), setup.rebalanceIntervalMs());
        if (sharing) {
            pools.shareWorkers(router, setup.windows());
        }
        try {
            ShiftRun.Sender sender = strategy == null
                    ? c -> pools.pools().get(c).execute(requests[c])
                    : c -> router.route(requests[c]);
            return ShiftRun.run(pools.pools(), sender, schedule);
        } finally {
            if (sharing) {
                pools.stopSharing();
            }
        }
    }
}
