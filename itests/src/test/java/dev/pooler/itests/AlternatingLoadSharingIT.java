package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.pooler.api.Pool;
import dev.pooler.api.Request;
import dev.pooler.api.events.PoolerEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/**
 * A load that alternates between two pools every few seconds: loans follow it, and no worker moves more
 * often than the anti-flapping rule allows (at most once per {@code minimum_loan}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AlternatingLoadSharingIT extends PoolerTestSupport {

    static final long MINIMUM_LOAN_S = 2;
    static final long PHASE_MS = 5_000;

    @Override
    @Configuration
    public Option[] config() {
        return PoolerPlatform.withSharing();
    }

    @After
    public void sharingOffAndEveryWorkerHome() throws Exception {
        loadBalancing(false);
        Await.until("no worker is lent", () -> registry().pools().stream().allMatch(p -> p.stats().lent() == 0),
                () -> registry().pools().toString());
        configAdmin.getConfiguration("dev.pooler.sharing", "?").delete();
    }

    private void loadBalancing(boolean sharing) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(LOADBALANCING_PID, "?");
        Hashtable<String, Object> next = new Hashtable<>();
        Dictionary<String, Object> p = c.getProperties();
        if (p != null) {
            for (String k : Collections.list(p.keys())) {
                next.put(k, p.get(k));
            }
        }
        next.put("worker.sharing.enabled", sharing);
        next.put("rebalance.interval", 1000L);
        c.update(next);
        Await.until("worker sharing " + sharing, () -> router().loadBalancing().workerSharingEnabled() == sharing);
    }

    @Test
    public void loansFollowAnAlternatingLoadAndNoWorkerMovesMoreOftenThanTheRuleAllows() throws Exception {
        Hashtable<String, Object> limits = new Hashtable<>(Map.of("max.shared.percentage", 0.67, "return.threshold", 0.5,
                "minimum.loan", MINIMUM_LOAN_S, "return.window", 2L, "max.moves.per.round", 4));
        configAdmin.getConfiguration("dev.pooler.sharing", "?").update(limits);
        loadBalancing(true);
        createPool("it_alt_a", Map.of("size", 3, "sharing.policy", "overflow", "adapter", "bench,testing"));
        createPool("it_alt_b", Map.of("size", 3, "sharing.policy", "overflow", "adapter", "bench,testing"));
        Pool a = awaitPool("it_alt_a", 3);
        Pool b = awaitPool("it_alt_b", 3);
        List<String> phasesWithoutLoan = new ArrayList<>();
        try (EventCollector events = EventCollector.register(context)) {
            for (int phase = 0; phase < 4; phase++) {
                Pool loaded = phase % 2 == 0 ? a : b;
                boolean borrowed = false;
                try (ClosedLoopLoad load = ClosedLoopLoad.start(loaded, 12, () -> Request.of("sleep", json("ms", 50)))) {
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PHASE_MS);
                    while (System.nanoTime() < end) {
                        borrowed |= loaded.stats().borrowed() > 0;
                        Thread.sleep(50);
                    }
                    load.close();
                    assertTrue(load.failures().toString(), load.failures().isEmpty());
                }
                if (!borrowed) {
                    phasesWithoutLoan.add("phase " + phase + " on " + loaded.id());
                }
            }
            assertEquals("the loaded pool borrowed in every phase", List.of(), phasesWithoutLoan);
            Map<String, List<Long>> movesByWorker = new HashMap<>();
            for (Event e : events.received(PoolerEvents.WORKER_SHARED)) {
                movesByWorker.computeIfAbsent((String) e.getProperty(PoolerEvents.WORKER_ID), k -> new ArrayList<>())
                        .add((Long) e.getProperty(org.osgi.service.event.EventConstants.TIMESTAMP));
            }
            System.out.println("AlternatingLoadSharingIT moves by worker (ms): " + movesByWorker);
            assertTrue("workers were moved: " + movesByWorker, movesByWorker.size() >= 2);
            for (Map.Entry<String, List<Long>> m : movesByWorker.entrySet()) {
                List<Long> t = m.getValue();
                Collections.sort(t);
                for (int i = 1; i < t.size(); i++) {
                    assertTrue("worker " + m.getKey() + " moved twice within " + (t.get(i) - t.get(i - 1)) + " ms: " + t,
                            t.get(i) - t.get(i - 1) >= TimeUnit.SECONDS.toMillis(MINIMUM_LOAN_S) - 250);
                }
            }
        }
    }
}
