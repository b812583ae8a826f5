package dev.pooler.examples.strategy.random;

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
 * {@code example_random}: any capable pool, uniformly at random. The smallest useful strategy:
 * one annotation names it, {@link #select} picks, and the router does everything else.
 */
@Component(service = LoadBalancingStrategy.class)
@PoolerStrategy("example_random")
public final class RandomStrategy implements LoadBalancingStrategy {

    private final Supplier<? extends RandomGenerator> random;

    /** The constructor Declarative Services uses. */
    public RandomStrategy() {
        this(ThreadLocalRandom::current);
    }

    /** For tests: a seeded generator. */
    RandomStrategy(Supplier<? extends RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public PoolSnapshot select(List<PoolSnapshot> candidates, RequestProfile profile) {
        return candidates.get(random.get().nextInt(candidates.size()));
    }
}
