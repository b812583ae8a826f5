package dev.pooler.strategies.ml.internal;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import dev.pooler.api.routing.RoutingOutcome;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.osgi.service.component.annotations.Component;

/**
 * {@code ml_optimized}: sends each request where it is expected to finish first.
 *
 * <p>The seed scores pools by specialization match (0.25), load (0.20), historical performance
 * (0.20), resources (0.15), worker health (0.15) and zone (0.05). Here load and performance are
 * not guessed but learned and combined into one number, the expected completion time
 * <pre>  E = wait + s,  wait = (residual + (ahead - 1) x s) / workers  when requests are ahead</pre>
 * where {@code s} is the service time learned online per (pool, command, size class of the
 * arguments) from {@link #recordOutcome} ({@link ServiceTimeEstimate}: EWMA mean and variance,
 * evidence fading with age; size classes double from 256 characters, {@link ServiceTimeModel#sizeClass},
 * read from {@link RequestProfile#argsSize}, so a command whose cost grows with its text is learned
 * per size and a pool fast at one command and slow at another is used for the one it is fast at), {@code ahead = max(0, outstanding - workers + 1)} and the residual of a busy worker is
 * {@code s x (1 + cv^2) / 2} (so exponential service gives the plain {@code ahead / workers x s}).
 * The remaining factors multiply {@code E} by a bounded penalty,
 * {@code 1 + 0.25 (1-spec) + 0.15 (1-resources) + 0.15 (1-health) + 0.05 (1-zone)} (at most 1.6),
 * and a pool that fails often pays for the expected retries ({@code / health}); so static traits
 * break ties and tilt close calls, but never outweigh a large difference in speed.
 *
 * <p>Exploration: an estimate without recent news drifts back to the prior (the command's mean
 * service time across pools, as the router reports it in {@link RequestProfile#expectedDurationMs},
 * scaled to the request's size class by what this strategy has seen of the command's sizes),
 * so a pool avoided for being slow looks ordinary again after a while, gets a request, and is
 * measured anew; unseen pools start at the prior. On top, a small share of requests
 * ({@link Tuning#exploration}) goes to a random other candidate that has a free worker, so a pool
 * that got faster is noticed even when the prior happens to be pessimistic.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("ml_optimized")
public final class MlOptimizedStrategy implements LoadBalancingStrategy {

    /** The seed's factor weights (load and performance live in the expected completion time). */
    static final double SPECIALIZATION_WEIGHT = 0.25;
    static final double RESOURCES_WEIGHT = 0.15;
    static final double HEALTH_WEIGHT = 0.15;
    static final double ZONE_WEIGHT = 0.05;

    /** Service time assumed when nothing at all is known (ms): only the queue term then matters. */
    static final double UNKNOWN_SERVICE_MS = 1.0;

    /**
     * How the model learns.
     *
     * @param minAlpha     the smallest EWMA step (0.1: the last ~10 observations dominate)
     * @param staleNanos   time constant with which evidence fades toward the prior
     * @param priorWeight  how many observations the prior is worth
     * @param exploration  share of requests sent to a random other idle candidate
     */
    public record Tuning(double minAlpha, long staleNanos, double priorWeight, double exploration) {
        public static final Tuning DEFAULT = new Tuning(0.1, TimeUnit.SECONDS.toNanos(5), 1.0, 0.01);
    }

    private final ServiceTimeModel model;
    private final LongSupplier clock;
    private final Supplier<? extends RandomGenerator> random;
    private final Tuning tuning;
    private final double staleNanos;
    private final AtomicInteger rotation = new AtomicInteger();

    public MlOptimizedStrategy() {
        this(System::nanoTime, ThreadLocalRandom::current, Tuning.DEFAULT);
    }

    /** For tests and simulations: their own clock (nanoseconds), random generator and tuning. */
    MlOptimizedStrategy(LongSupplier clock, Supplier<? extends RandomGenerator> random, Tuning tuning) {
        this.clock = clock;
        this.random = random;
        this.tuning = tuning;
        this.staleNanos = tuning.staleNanos();
        this.model = new ServiceTimeModel(tuning.minAlpha(), staleNanos);
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        String kind = kind(profile);
        int size = sizeClass(profile);
        if (n == 1) {
            return candidates.get(0);
        }
        long now = clock.getAsLong();
        ServiceTimeModel.Cell[] cells = new ServiceTimeModel.Cell[n];
        long maxRss = 0;
        double learned = 0;
        double evidence = 0;
        for (int i = 0; i < n; i++) {
            PoolSnapshot s = candidates.get(i);
            cells[i] = model.cell(s.poolId(), kind, size);
            ServiceTimeEstimate e = cells[i] == null ? ServiceTimeEstimate.NONE : cells[i].estimate;
            double c = e.confidence(now, staleNanos);
            learned += c * e.meanMs();
            evidence += c;
            maxRss = Math.max(maxRss, s.avgRssKb());
        }
        double prior = prior(profile, kind, size, learned, evidence);

        int start = Math.floorMod(rotation.getAndIncrement(), n);
        int best = -1;
        double bestScore = Double.MAX_VALUE;
        double bestLoad = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            PoolSnapshot s = candidates.get(i);
            double score = score(s, profile, cells[i], now, prior, maxRss);
            double load = s.loadPerWorker();
            if (best < 0 || score < bestScore || (score == bestScore && load < bestLoad)) {
                best = i;
                bestScore = score;
                bestLoad = load;
            }
        }
        int pick = best;
        if (tuning.exploration() > 0) {
            RandomGenerator r = random.get();
            if (r.nextDouble() < tuning.exploration()) {
                int other = r.nextInt(n - 1);
                if (other >= best) {
                    other++;
                }
                PoolSnapshot o = candidates.get(other);
                if (o.workers() > 0 && Math.max(o.inFlight(), o.busy() + o.queued()) < o.workers()) {
                    pick = other; // only onto a free worker: exploring never queues a request
                }
            }
        }
        return candidates.get(pick);
    }

    /**
     * The service time assumed where a pool has not been seen: the router's mean for the command
     * ({@link RequestProfile#expectedDurationMs}) scaled to this size class by what the answers seen
     * here say (the class's mean across pools over the command's), else the class's mean here, else
     * what the candidates have learned, else {@link #UNKNOWN_SERVICE_MS}. With one size class only,
     * exactly the router's mean.
     */
    private double prior(RequestProfile profile, String kind, int size, double learned, double evidence) {
        double cls = model.priorMs(kind, size);
        double expected = profile == null ? 0 : profile.expectedDurationMs();
        if (expected > 0) {
            double all = model.priorMs(kind, ServiceTimeModel.ALL_SIZES);
            return cls > 0 && all > 0 ? expected * (cls / all) : expected;
        }
        if (cls > 0) {
            return cls;
        }
        return evidence > 0 ? learned / evidence : UNKNOWN_SERVICE_MS;
    }

    /** Lower is better: expected completion time (ms) times the bounded penalty of the static factors. */
    double score(PoolSnapshot s, RequestProfile profile, ServiceTimeModel.Cell cell, long now, double prior,
                 long maxRss) {
        ServiceTimeEstimate e = cell == null ? ServiceTimeEstimate.NONE : cell.estimate;
        double service = e.plannedMs(now, staleNanos, prior, tuning.priorWeight());
        double cv2 = e.cv2(now, staleNanos, tuning.priorWeight());
        double completion = expectedCompletionMs(s, service, cv2);
        double health = clamp01(s.health());
        return completion * penalty(s, profile, maxRss) / Math.max(0.1, health);
    }

    /** Expected time until a request sent now is answered: wait for a worker, then service. */
    static double expectedCompletionMs(PoolSnapshot s, double serviceMs, double cv2) {
        int workers = s.workers();
        int outstanding = Math.max(s.inFlight(), s.busy() + s.queued());
        if (workers <= 0) {
            // nothing serves it now (starting, or all lent out): as if one slow worker had it all
            return 4 * (outstanding + 1) * serviceMs;
        }
        int ahead = Math.max(0, outstanding - workers + 1);
        if (ahead == 0) {
            return serviceMs;
        }
        double wait = (serviceMs * (1 + cv2) / 2 + (ahead - 1) * serviceMs) / workers;
        return wait + serviceMs;
    }

    /** 1 when every static factor is perfect, at most 1.6. */
    static double penalty(PoolSnapshot s, RequestProfile profile, long maxRss) {
        return 1.0 + SPECIALIZATION_WEIGHT * (1 - specializationMatch(s, profile))
                + RESOURCES_WEIGHT * (1 - resources(s, maxRss))
                + HEALTH_WEIGHT * (1 - clamp01(s.health()))
                + ZONE_WEIGHT * (1 - zoneMatch(s, profile));
    }

    static double specializationMatch(PoolSnapshot s, RequestProfile profile) {
        String needed = profile.specializationNeeded();
        if (needed == null) {
            return 1;
        }
        if (s.specialization() == null) {
            return 0.5; // a general pool can usually serve it, just not as well
        }
        return needed.equalsIgnoreCase(s.specialization()) ? 1 : 0;
    }

    static double resources(PoolSnapshot s, long maxRss) {
        double used = 0;
        if (s.avgRssKb() > 0 && maxRss > 0) {
            used += 0.5 * s.avgRssKb() / maxRss;
        }
        if (s.cpuLoad() >= 0) {
            used += 0.5 * Math.min(1, s.cpuLoad());
        }
        return 1 - used;
    }

    static double zoneMatch(PoolSnapshot s, RequestProfile profile) {
        return profile.zone() == null || profile.zone().equals(s.zone()) ? 1 : 0;
    }

    @Override
    public void recordOutcome(RoutingOutcome outcome) {
        ErrorKind error = outcome.error();
        String kind = kind(outcome.profile());
        int size = sizeClass(outcome.profile());
        if (error == ErrorKind.POOL_OVERLOADED || error == ErrorKind.SHUTTING_DOWN) {
            return; // refused, not served: says nothing about service time (the load term sees the queue)
        }
        double ms = outcome.serviceNanos() / 1e6;
        long now = clock.getAsLong();
        if (error == ErrorKind.TIMEOUT) {
            ms = Math.max(ms, outcome.latencyNanos() / 1e6);
        } else if (error == ErrorKind.WORKER_CRASHED) {
            // the work is lost and must be redone: count it as twice what we expected
            ServiceTimeEstimate e = model.get(outcome.poolId(), kind, size);
            ms = Math.max(ms, 2 * e.meanMs());
        }
        if (ms <= 0 || Double.isNaN(ms)) {
            return;
        }
        model.observe(outcome.poolId(), kind, size, ms, now);
    }

    /** What the model has learned for a pool and command, arguments of the smallest size class (tests, diagnostics). */
    ServiceTimeEstimate estimate(String poolId, String command) {
        return model.get(poolId, command, 0);
    }

    /** What the model has learned for a pool, command and size class (tests, diagnostics). */
    ServiceTimeEstimate estimate(String poolId, String command, int sizeClass) {
        return model.get(poolId, command, sizeClass);
    }

    private static int sizeClass(RequestProfile profile) {
        return profile == null ? 0 : ServiceTimeModel.sizeClass(profile.argsSize());
    }

    private static String kind(RequestProfile profile) {
        if (profile == null) {
            return "";
        }
        if (profile.command() != null) {
            return profile.command();
        }
        return profile.capability() == null ? "" : profile.capability();
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : Math.min(1, v);
    }
}
