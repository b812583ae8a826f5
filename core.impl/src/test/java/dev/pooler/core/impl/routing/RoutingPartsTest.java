package dev.pooler.core.impl.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.pooler.api.PoolType;
import dev.pooler.api.Priority;
import dev.pooler.api.Request;
import dev.pooler.api.routing.PoolSnapshot;
import dev.pooler.api.routing.RoutingDecision;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingPartsTest {

    @Test
    void commandFamiliesMapToCapabilities() {
        assertEquals("embedding", CapabilityTable.capabilityOf("embed"));
        assertEquals("similarity", CapabilityTable.capabilityOf("similarity"));
        assertEquals("clustering", CapabilityTable.capabilityOf("cluster"));
        assertEquals("classification", CapabilityTable.capabilityOf("classify"));
        assertEquals("generation", CapabilityTable.capabilityOf("generate"));
        assertEquals("generation", CapabilityTable.capabilityOf("complete"));
        assertEquals("reasoning", CapabilityTable.capabilityOf("reason"));
        for (String general : List.of("echo", "sleep", "cpu", "create_program", "execute_program")) {
            assertEquals("general", CapabilityTable.capabilityOf(general), general);
        }
        assertEquals("embedding", CapabilityTable.capabilityOf("embed_batch"), "by first word");
        assertEquals("embedding", CapabilityTable.capabilityOf("Embed"));
        assertEquals("translate", CapabilityTable.capabilityOf("translate"), "unknown: its own name");
        assertEquals("summarize_doc", CapabilityTable.capabilityOf("summarize_doc"));
        assertEquals("translation", CapabilityTable.capabilityOf(Request.builder("translate").capability(":Translation").build()),
                "the caller's statement wins");
    }

    @Test
    void metricsFamiliesAreTheTablesOrThePoolsOwnNeverACallersFreeText() {
        assertEquals("embedding", CapabilityTable.metricsFamily("embedding", Set.of()));
        assertEquals("general", CapabilityTable.metricsFamily("general", Set.of("all")));
        assertEquals("translation", CapabilityTable.metricsFamily("translation", Set.of("translation", "general")));
        assertEquals("other", CapabilityTable.metricsFamily("translate_this_please_42", Set.of("all")));
        assertEquals("other", CapabilityTable.metricsFamily("all", Set.of("all")));
        assertEquals("other", CapabilityTable.metricsFamily(null, Set.of()));
    }

    @Test
    void argumentSizeIsEstimatedWithinABudget() {
        JsonObject small = new JsonObject();
        small.addProperty("text", "hello");
        assertEquals("{\"text\":\"hello\"}".length(), RequestAnalyzer.estimateSize(small), 2);

        JsonObject big = new JsonObject();
        JsonArray texts = new JsonArray();
        for (int i = 0; i < 10_000; i++) {
            texts.add("text number " + i);
        }
        big.add("texts", texts);
        int estimate = RequestAnalyzer.estimateSize(big);
        int actual = big.toString().length();
        assertTrue(Math.abs(estimate - actual) < actual * 0.2, estimate + " vs " + actual);
        assertEquals(2, RequestAnalyzer.estimateSize(new JsonObject()));
    }

    @Test
    void complexityGrowsWithSizeAndDuration() {
        double tiny = RequestAnalyzer.complexity(10, 0);
        double large = RequestAnalyzer.complexity(100_000, 0);
        double slow = RequestAnalyzer.complexity(10, 5_000);
        assertTrue(tiny < large && large <= 1.0);
        assertTrue(slow > RequestAnalyzer.complexity(10, 5));
        assertEquals(1.0, RequestAnalyzer.complexity(Integer.MAX_VALUE, 1e9), 1e-9);
    }

    @Test
    void commandHistoryIsAnEwma() {
        CommandHistory h = new CommandHistory();
        assertEquals(0.0, h.expectedMs("x"));
        h.record("x", 10_000_000);
        assertEquals(10.0, h.expectedMs("x"), 1e-9);
        h.record("x", 20_000_000);
        assertEquals(11.0, h.expectedMs("x"), 1e-9);
        assertEquals(2, h.count("x"));
    }

    @Test
    void leastLoadedPrefersLessWorkPerWorkerThenIdleWorkers() {
        PoolSnapshot heavy = snapshot("heavy", 4, 4, 4);
        PoolSnapshot light = snapshot("light", 4, 1, 1);
        PoolSnapshot big = snapshot("big", 8, 4, 4);
        assertEquals(1, LeastLoaded.indexOf(List.of(heavy, light, big)));
        assertEquals(1, LeastLoaded.indexOf(List.of(snapshot("a", 4, 2, 2), snapshot("b", 8, 4, 4))),
                "equal load per worker: more idle workers");
    }

    @Test
    void decisionLogKeepsTheNewestAndSettlesOutcomes() {
        DecisionLog log = new DecisionLog(200);
        assertEquals(256, log.capacity());
        RoutingDecision first = new RoutingDecision(1, "echo", "general", "s", "a", 1, 10, "pending");
        long seq = log.add(first);
        log.settle(seq, first, "ok");
        assertEquals("ok", log.recent(1).get(0).outcome());
        for (int i = 0; i < 300; i++) {
            log.add(new RoutingDecision(i, "c" + i, "general", "s", "a", 1, 10, "pending"));
        }
        log.settle(seq, first, "late"); // overwritten: no effect
        List<RoutingDecision> recent = log.recent(500);
        assertEquals(256, recent.size());
        assertEquals("c299", recent.get(0).command());
        assertTrue(recent.stream().noneMatch(d -> d.outcome().equals("late")));
        assertEquals(List.of(), new DecisionLog(4).recent(3));
    }

    @Test
    void strategyNamesMayComeAsArrays() {
        assertEquals(List.of("a", "b"), StrategyRegistry.names(new String[] {"A", ":b", "a"}));
        assertEquals(List.of("x"), StrategyRegistry.names(List.of("x")));
        assertEquals(List.of(), StrategyRegistry.names(null));
    }

    private static PoolSnapshot snapshot(String id, int workers, int busy, int inFlight) {
        return new PoolSnapshot(id, PoolType.GENERAL, Priority.MEDIUM, null, "default", Set.of("all"), workers, busy, 0,
                inFlight, 0, 0, 1.0, -1, -1);
    }
}
