package dev.pooler.strategies.load.internal;

import static dev.pooler.strategies.load.internal.Snapshots.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PowerOfTwoChoicesStrategyTest {

    private final RequestProfile profile = RequestProfile.simple("echo", "general");

    @Test
    void withTwoCandidatesTheLessLoadedAlwaysWins() {
        SplittableRandom r = new SplittableRandom(7);
        PowerOfTwoChoicesStrategy p2c = new PowerOfTwoChoicesStrategy(() -> r);
        List<PoolSnapshot> pools = List.of(pool("busy", 4, 8), pool("free", 4, 1));
        for (int i = 0; i < 100; i++) {
            assertEquals("free", p2c.select(pools, profile).poolId());
        }
    }

    @Test
    void theTwoChoicesAreDistinct() {
        // A generator that always says 0 would pick the same index twice if j were not shifted.
        RandomGenerator zeros = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public int nextInt(int bound) {
                return 0;
            }
        };
        PowerOfTwoChoicesStrategy p2c = new PowerOfTwoChoicesStrategy(() -> zeros);
        // index 0 is the most loaded; with distinct choices 0 and 1, pool 1 must win
        List<PoolSnapshot> pools = List.of(pool("a", 1, 9), pool("b", 1, 0), pool("c", 1, 0));
        assertEquals("b", p2c.select(pools, profile).poolId());
    }

    @Test
    void theMostLoadedOfThreeIsNeverChosen() {
        SplittableRandom r = new SplittableRandom(11);
        PowerOfTwoChoicesStrategy p2c = new PowerOfTwoChoicesStrategy(() -> r);
        List<PoolSnapshot> pools = List.of(pool("a", 4, 2), pool("b", 4, 12), pool("c", 4, 1));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(p2c.select(pools, profile).poolId(), 1, Integer::sum);
        }
        assertEquals(null, counts.get("b"));
        // c wins whenever it is drawn (2 of 3 pairs), a only against b (1 of 3 pairs)
        assertTrue(counts.get("c") > 1900 && counts.get("c") < 2100, "c " + counts);
        assertTrue(counts.get("a") > 900 && counts.get("a") < 1100, "a " + counts);
    }

    @Test
    void sameSeedSameChoices() {
        List<PoolSnapshot> pools = List.of(pool("a", 4, 1), pool("b", 4, 1), pool("c", 4, 1), pool("d", 4, 1));
        SplittableRandom r1 = new SplittableRandom(99);
        SplittableRandom r2 = new SplittableRandom(99);
        PowerOfTwoChoicesStrategy s1 = new PowerOfTwoChoicesStrategy(() -> r1);
        PowerOfTwoChoicesStrategy s2 = new PowerOfTwoChoicesStrategy(() -> r2);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            a.append(s1.select(pools, profile).poolId());
            b.append(s2.select(pools, profile).poolId());
        }
        assertEquals(a.toString(), b.toString());
        assertNotEquals(1, a.chars().distinct().count());
    }

    @Test
    void defaultConstructorUsesThreadLocalRandom() {
        List<PoolSnapshot> pools = List.of(pool("a", 4, 0), pool("b", 4, 3));
        assertEquals("a", new PowerOfTwoChoicesStrategy().select(pools, profile).poolId());
    }
}
