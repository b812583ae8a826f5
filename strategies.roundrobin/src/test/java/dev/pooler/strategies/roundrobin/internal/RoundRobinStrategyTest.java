package dev.pooler.strategies.roundrobin.internal;

import static dev.pooler.strategies.roundrobin.internal.Snapshots.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pooler.api.Priority;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RequestProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

    private final List<PoolSnapshot> three = List.of(pool("a", 4, Priority.MEDIUM), pool("b", 8, Priority.HIGH),
            pool("c", 1, Priority.LOW));
    private final RequestProfile general = RequestProfile.simple("echo", "general");

    @Test
    void takesTheCandidatesInTurn() {
        RoundRobinStrategy rr = new RoundRobinStrategy();
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(rr.select(three, general).poolId());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks);
    }

    @Test
    void singleCandidateIsReturnedAsIs() {
        PoolSnapshot only = pool("only", 2, Priority.LOW);
        assertSame(only, new RoundRobinStrategy().select(List.of(only), general));
    }

    @Test
    void eachCapabilityHasItsOwnTurn() {
        RoundRobinStrategy rr = new RoundRobinStrategy();
        List<PoolSnapshot> two = three.subList(0, 2);
        RequestProfile embed = RequestProfile.simple("embed", "embedding");
        // Alternating families must not starve a pool of either list.
        Map<String, Integer> generalCounts = new HashMap<>();
        Map<String, Integer> embedCounts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            generalCounts.merge(rr.select(three, general).poolId(), 1, Integer::sum);
            embedCounts.merge(rr.select(two, embed).poolId(), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), generalCounts);
        assertEquals(Map.of("a", 150, "b", 150), embedCounts);
    }

    @Test
    void evenUnderConcurrentCallers() throws Exception {
        RoundRobinStrategy rr = new RoundRobinStrategy();
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 3000; i++) {
                    counts.computeIfAbsent(rr.select(three, general).poolId(), k -> new AtomicInteger()).incrementAndGet();
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(4000, counts.get("a").get());
        assertEquals(4000, counts.get("b").get());
        assertEquals(4000, counts.get("c").get());
    }

    @Test
    void manyCapabilitiesShareACursorPastTheLimit() {
        RoundRobinStrategy rr = new RoundRobinStrategy();
        for (int i = 0; i < RoundRobinStrategy.MAX_CURSORS + 50; i++) {
            rr.select(three, RequestProfile.simple("cmd" + i, "cap" + i));
        }
        assertEquals(RoundRobinStrategy.MAX_CURSORS, rr.cursorCount());
        assertTrue(three.contains(rr.select(three, RequestProfile.simple("other", "other"))));
    }
}
