package dev.pooler.bench.strategies;

import dev.pooler.bench.FixedPoolRegistry;

import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolRegistry;
import dev.pooler.api.Request;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.bench.Figure;
import dev.pooler.core.impl.routing.RoutingEngine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routing decision cost, as the removed {@code RoutingCostTest} measured it but without its
 * timed assertion: a tight loop of {@code route} calls through the real router to three in-memory
 * pools that answer at once ({@link StubPool}). Per strategy: the router's own decision time
 * (profile, candidates, snapshots, strategy; read from its decision log every 1024th request), the
 * whole route call including execute and completion, and the strategy's {@code select} alone on
 * three fixed snapshots. Strategies are warmed up first, then measured round by round in rotating
 * order.
 */
final class RoutingCost {

    static final int SAMPLE_EVERY = 1024;

    final Map<String, Figure> decisionNs = new LinkedHashMap<>();
    final Map<String, Figure> routeNs = new LinkedHashMap<>();
    final Map<String, Figure> selectNs = new LinkedHashMap<>();

    private final List<String> strategies;
    private final int rounds;
    private final int requests;
    private final PrintStream out;
    private long sink;

    RoutingCost(List<String> strategies, int rounds, int requests, PrintStream out) {
        this.strategies = strategies;
        this.rounds = rounds;
        this.requests = requests;
        this.out = out;
    }

    void run() {
        out.printf(Locale.ROOT, "%n== Routing cost: %d routes per strategy and round, 3 candidate pools answering at once ==%n",
                requests);
        List<Pool> pools = List.of(new StubPool("a", 2, 4), new StubPool("b", 2, 8), new StubPool("c", 2, 16));
        PoolRegistry registry = new FixedPoolRegistry(pools);
        ServiceTimes truth = new ServiceTimes();
        truth.set("a", 4);
        truth.set("b", 8);
        truth.set("c", 16);
        Request request = Request.of("work");
        RequestProfile profile = RequestProfile.simple("work", "work");
        List<PoolSnapshot> snapshots = new ArrayList<>();
        int k = 0;
        for (Pool p : pools) {
            PoolConfig c = p.config();
            snapshots.add(new PoolSnapshot(p.id(), c.poolType(), c.priority(), c.specialization(), c.geographicZone(),
                    c.capabilities(), 2, k, 0, k, 4 << k, 4 << k, 1.0, 50_000, -1));
            k++;
        }
        List<PoolSnapshot> candidates = List.copyOf(snapshots);

        Map<String, RoutingEngine> routers = new LinkedHashMap<>();
        Map<String, LoadBalancingStrategy> bare = new LinkedHashMap<>();
        for (String name : strategies) {
            routers.put(name, Routers.create(registry, name, Contenders.create(name, 1, truth)));
            bare.put(name, Contenders.create(name, 2, truth));
            decisionNs.put(name, new Figure());
            routeNs.put(name, new Figure());
            selectNs.put(name, new Figure());
        }
        for (String name : strategies) { // warm-up: the JIT sees every strategy before any is timed
            routeLoop(routers.get(name), request, requests);
            selectLoop(bare.get(name), candidates, profile, requests);
        }
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d/%d:", r + 1, rounds));
            for (int j = 0; j < strategies.size(); j++) {
                String name = strategies.get((j + r) % strategies.size());
                double[] route = routeLoop(routers.get(name), request, requests);
                double select = selectLoop(bare.get(name), candidates, profile, requests);
                routeNs.get(name).add(route[0]);
                decisionNs.get(name).add(route[1]);
                selectNs.get(name).add(select);
                line.append(String.format(Locale.ROOT, " %s %.0f/%.0f/%.0f", name, route[1], route[0], select));
            }
            out.println(line.append("  (ns: decision/route/select)"));
        }
        if (sink == 42) {
            out.println(); // keeps the loops' results alive
        }
    }

    /** {ns per route call, mean decision ns of the sampled decisions}. */
    private double[] routeLoop(RoutingEngine router, Request request, int n) {
        long decisionSum = 0;
        int sampled = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            router.route(request);
            if ((i & (SAMPLE_EVERY - 1)) == 0) {
                List<RoutingDecision> d = router.recentDecisions(1);
                if (!d.isEmpty()) {
                    decisionSum += d.get(0).decisionNanos();
                    sampled++;
                }
            }
        }
        long elapsed = System.nanoTime() - t0;
        return new double[] {(double) elapsed / n, sampled == 0 ? Double.NaN : (double) decisionSum / sampled};
    }

    private double selectLoop(LoadBalancingStrategy s, List<PoolSnapshot> candidates, RequestProfile profile, int n) {
        long acc = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            acc += s.select(candidates, profile).inFlight();
        }
        long elapsed = System.nanoTime() - t0;
        sink += acc;
        return (double) elapsed / n;
    }

}
