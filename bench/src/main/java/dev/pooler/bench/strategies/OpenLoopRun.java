package dev.pooler.bench.strategies;

import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.RoutingDecision;
import dev.pooler.bench.Samples;
import dev.pooler.core.impl.routing.RoutingEngine;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One run: one contender on one scenario. A fresh router and strategy; the scenario's arrivals are
 * sent open-loop from one thread, each at its scheduled time whatever the answers do, and the
 * slow window (if any) is switched at its scheduled times. A request's latency runs from its
 * scheduled arrival to the moment its answer reaches the caller, so a late send counts against the
 * run rather than hiding (the dispatcher's own lateness is reported as {@code lag}). Requests that
 * arrive during the warm-up are routed but not counted. The run ends when every answer is in.
 */
final class OpenLoopRun {

    /** Every n-th request's routing decision time is read from the router's decision log. */
    static final int DECISION_SAMPLE_EVERY = 16;
    static final long DRAIN_LIMIT_MINUTES = 10;

    /**
     * What one run measured, over the requests that arrived after the warm-up.
     *
     * @param perPool   answers per pool
     * @param phases    latencies by arrival before, inside and after the slow window (window scenario only)
     * @param slowPoolShare share of the requests of each phase that the pool slowed in the window answered
     */
    record Result(String contender, String scenario, int measured, int failed, String firstError, Samples latency,
                  long onTime, long[] perPool, Samples decisionNanos, Samples lagNanos, Samples[] phases,
                  double[] slowPoolShare, double deadlineMs) {

        double meanMs() {
            return latency.mean() / 1e6;
        }

        double p50Ms() {
            return latency.percentile(50) / 1e6;
        }

        double p99Ms() {
            return latency.percentile(99) / 1e6;
        }

        /** Share of measured requests answered (successfully) within the deadline. */
        double onTimeShare() {
            return measured == 0 ? Double.NaN : (double) onTime / measured;
        }

        double share(int pool) {
            long sum = 0;
            for (long c : perPool) {
                sum += c;
            }
            return sum == 0 ? 0 : (double) perPool[pool] / sum;
        }
    }

    private OpenLoopRun() {
    }

    static Result run(Scenario sc, String contender, LoadBalancingStrategy strategy, BenchPools pools,
                      ServiceTimes truth, Calibration cal, long[] arrivals, long warmupNanos, Request[] requests)
            throws InterruptedException {
        for (int i = 0; i < pools.size(); i++) {
            pools.setFactor(i, sc.mixed() ? 1 : sc.factors()[i]);
            truth.set(BenchPools.IDS[i], cal.trueMeanMs(sc.mixed() ? 1 : sc.factors()[i]));
        }
        truth.mixed(sc.mixed() ? cal.overheadMs() : Double.NaN);
        RoutingEngine router = Routers.create(pools.registry(), contender, strategy);
        int n = arrivals.length;
        long[] latency = new long[n];
        byte[] servedBy = new byte[n];
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Samples decisions = new Samples();
        Samples lag = new Samples();
        long[] switchAt = sc.hasWindow() ? new long[] {sc.windowFrom(), sc.windowTo()} : new long[0];
        double[] switchTo = sc.hasWindow() ? new double[] {sc.slowFactor(), sc.factors()[sc.slowPool()]} : new double[0];
        int nextSwitch = 0;

        long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
        for (int i = 0; i < n; i++) {
            long due = origin + arrivals[i];
            while (nextSwitch < switchAt.length && origin + switchAt[nextSwitch] <= due) {
                waitUntil(origin + switchAt[nextSwitch]);
                applySwitch(sc, pools, truth, cal, switchTo[nextSwitch++]);
            }
            waitUntil(due);
            if (arrivals[i] >= warmupNanos) {
                lag.add(System.nanoTime() - due);
            }
            CompletionStage<Response> answer = router.route(requests[i]);
            if (i % DECISION_SAMPLE_EVERY == 0 && arrivals[i] >= warmupNanos) {
                List<RoutingDecision> last = router.recentDecisions(1);
                if (!last.isEmpty()) {
                    decisions.add(last.get(0).decisionNanos());
                }
            }
            int idx = i;
            answer.whenComplete((r, e) -> {
                latency[idx] = System.nanoTime() - due;
                if (r != null) {
                    servedBy[idx] = (byte) pools.indexOf(r.poolId());
                } else {
                    servedBy[idx] = -1;
                    firstError.compareAndSet(null, e);
                }
                done.countDown();
            });
        }
        while (nextSwitch < switchAt.length) {
            waitUntil(origin + switchAt[nextSwitch]);
            applySwitch(sc, pools, truth, cal, switchTo[nextSwitch++]);
        }
        if (!done.await(DRAIN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
            throw new IllegalStateException(contender + " on " + sc.name() + ": " + done.getCount()
                    + " requests still unanswered after " + DRAIN_LIMIT_MINUTES + " minutes");
        }

        // done.await() happens-after every countDown(): the arrays are complete
        Samples all = new Samples();
        Samples[] phases = sc.hasWindow() ? new Samples[] {new Samples(), new Samples(), new Samples()} : null;
        double[] slowShare = sc.hasWindow() ? new double[3] : null;
        long[] perPool = new long[pools.size()];
        long deadline = (long) (sc.deadlineMs() * 1e6);
        int measured = 0;
        int failed = 0;
        long onTime = 0;
        for (int i = 0; i < n; i++) {
            if (arrivals[i] < warmupNanos) {
                continue;
            }
            measured++;
            if (servedBy[i] < 0) {
                failed++;
                continue;
            }
            perPool[servedBy[i]]++;
            all.add(latency[i]);
            if (latency[i] <= deadline) {
                onTime++;
            }
            if (phases != null) {
                int phase = arrivals[i] < sc.windowFrom() ? 0 : arrivals[i] < sc.windowTo() ? 1 : 2;
                phases[phase].add(latency[i]);
                if (servedBy[i] == sc.slowPool()) {
                    slowShare[phase]++;
                }
            }
        }
        if (phases != null) {
            for (int p = 0; p < 3; p++) {
                slowShare[p] = phases[p].size() == 0 ? Double.NaN : slowShare[p] / phases[p].size();
            }
        }
        Throwable err = firstError.get();
        return new Result(contender, sc.name(), measured, failed, err == null ? null : String.valueOf(err.getMessage()),
                all, onTime, perPool, decisions, lag, phases, slowShare, sc.deadlineMs());
    }

    private static void applySwitch(Scenario sc, BenchPools pools, ServiceTimes truth, Calibration cal, double factor) {
        pools.setFactor(sc.slowPool(), factor);
        truth.set(BenchPools.IDS[sc.slowPool()], cal.trueMeanMs(factor));
    }

    private static void waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
