package dev.pooler.strategies.load.internal;

import dev.pooler.api.routing.LoadBalancingStrategy;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.PoolerStrategy;
import dev.pooler.api.routing.RequestProfile;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.osgi.service.component.annotations.Component;

/**
 * {@code p2c}: power of two choices. Two distinct candidates drawn at random, the less loaded
 * (outstanding requests per serving worker) wins. Almost as good as scanning every pool, and it
 * never herds all callers onto the same pool from one stale picture.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("p2c")
public final class PowerOfTwoChoicesStrategy implements LoadBalancingStrategy {

    private final Supplier<? extends RandomGenerator> random;

    public PowerOfTwoChoicesStrategy() {
        this(ThreadLocalRandom::current);
    }

    /**
     * For tests and simulations: a seeded generator (e.g. {@code SplittableRandom}), called from one
     * thread at a time. Public only for other bundles' tests; this package is not exported.
     */
    public PowerOfTwoChoicesStrategy(Supplier<? extends RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        RandomGenerator r = random.get();
        int i = r.nextInt(n);
        int j = r.nextInt(n - 1);
        if (j >= i) {
            j++; // distinct from i, still uniform over the others
        }
        PoolSnapshot a = candidates.get(i);
        PoolSnapshot b = candidates.get(j);
        double la = a.loadPerWorker();
        double lb = b.loadPerWorker();
        if (la != lb) {
            return la < lb ? a : b;
        }
        return a.queued() <= b.queued() ? a : b;
    }
}
