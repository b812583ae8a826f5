package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolConfig;
import dev.pooler.api.PoolStats;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Priority;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.RequestRouter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/**
 * The seed's "load balancing distributes requests efficiently": the launcher's three pools (the seed's
 * {@code config.exs}), 1,000 mixed requests sent concurrently through {@link RequestRouter#route}, once per
 * strategy, the strategy switched through ConfigAdmin ({@code dev.pooler.loadbalancing} {@code strategy}).
 *
 * <h2>The setup</h2>
 * <ul>
 * <li>{@code general_pool}: general, 8 workers, priority medium, capabilities {@code all}, adapter {@code bench,text};</li>
 * <li>{@code embedding_pool}: embedding, 4 workers, priority high, capabilities embedding, similarity, clustering,
 *     adapter {@code text};</li>
 * <li>{@code generation_pool}: generation, 6 workers, priority high, capabilities generation, completion,
 *     reasoning, adapter {@code bench,text}.</li>
 * </ul>
 * The mix, per 20 requests (so per 1,000 exactly 50 times this): 7 of the embedding family ({@code embed} 3,
 * {@code similarity} 2, {@code cluster} 2; served by general_pool or embedding_pool), 4 that only general_pool
 * serves ({@code classify} 1, {@code echo} 2, {@code sleep} 1 ms..3 ms), and 9 stated as capability
 * {@code generation} ({@code echo} 5, {@code sleep} 4; served by general_pool or generation_pool). The mix is
 * chosen so that a balanced split needs every pool: were all service times equal, the same outstanding work
 * per worker everywhere would put about a third of the embedding family and a quarter of the generation
 * requests on general_pool (its text commands being slower in practice, it takes more of the first and less
 * of the second).
 * Eight sender threads keep at most {@value #WINDOW} requests in flight (a hundred concurrent callers).
 *
 * <h2>Always</h2>
 * Every request is answered with the right result (no error); it ran on a pool whose configuration supports
 * its capability (so embedding requests never reach generation_pool and generation requests never reach
 * embedding_pool); each pool's {@code failed} count did not move (no {@code POOL_OVERLOADED}: no queue
 * overflowed, no request was refused and re-routed; with at most {@value #WINDOW} requests in flight no queue
 * can legitimately reach the default {@code max_queue} of 1,000, so a refusal would be a fault) and the pools
 * completed exactly the 1,000 requests;
 * and the router posted one {@code REQUEST_ROUTED} per request naming the strategy under test (the strategy
 * chose every time; the router did not silently fall back to its built-in choice because the strategy failed).
 *
 * <h2>"Balanced", per strategy</h2>
 * Counts are per capability (command family) because that is the unit a strategy sees: a request's
 * candidates are the pools supporting its capability, and only those with two or more candidates are a
 * choice at all.
 * <ul>
 * <li>{@code round_robin}: the capable pools take turns, one cursor per capability, so for every capability
 *     the per-pool counts differ by at most {@value #RR_TOLERANCE} (an odd count cannot split evenly). This is
 *     the exact promise, not a tolerance: nothing else moves the cursor during the run, and re-routing is
 *     ruled out by the checks above.</li>
 * <li>{@code weighted_round_robin}: smooth weighted round robin per capability, weight = serving workers x
 *     priority factor (HIGH 3, MEDIUM 2, LOW 1, as in strategies.roundrobin): general_pool 8 x 2 = 16,
 *     embedding_pool 4 x 3 = 12, generation_pool 6 x 3 = 18. So general_pool takes 16/28 = 57.1 % of each
 *     embedding-family capability and 16/34 = 47.1 % of generation, the specialised pool the rest. The scheme
 *     is exact after every full cycle of the total weight and less than one pick off in between; each
 *     per-pool count must be within {@value #WRR_TOLERANCE} picks of count x share (one for the fraction of
 *     the ideal value, one spare).</li>
 * <li>{@code least_connections}, {@code p2c}, {@code response_time}, {@code resource_aware},
 *     {@code ml_optimized}: they follow load (outstanding requests per worker, peak-EWMA latency, free
 *     resources, expected completion time), not a fixed share, so their promise is not a proportion but that
 *     no capable pool is starved while another has the backlog: in each contested group (the embedding
 *     family; generation) every candidate pool gets at least {@value #MIN_SHARE_PERCENT} % of the group's
 *     requests (at least 4 of 350, 5 of 450). Why so low a floor: general_pool's own traffic (classify, echo,
 *     sleep, and its half of the slower text commands) already gives it most of its fair load, so a
 *     load-following strategy rightly sends it only a small part of the generation requests. Measured on a
 *     2-core machine over about twenty runs, general_pool's smallest share of a group was 6.0 % (27 of 450
 *     generation requests, ml_optimized, both cores saturated by other processes; 6.9 % for response_time,
 *     whose peak EWMA remembers a pool's worst recent latency for about ten seconds), typically 10-40 %; a
 *     strategy that herds onto one pool, or ignores a pool, gives it 0 %. The floor fails on starvation
 *     only, not on the noise of a run: a pool under it counts as starved only while another pool of the
 *     group was busier per worker (had the backlog). Once, on a loaded CI machine, response_time gave
 *     general_pool 3 of 450 generation requests (0.7 %) while general_pool was the busiest pool per worker
 *     (223 ms against generation_pool's 209): its own traffic had filled it, which is the right call.
 *     <br>And what they are for, equal work per worker: each pool's busy time per worker (the service times
 *     of the requests it answered, over its size) is at least {@value #MIN_BUSY_RATIO_PERCENT} % of the
 *     busiest pool's. Measured over nine runs (three with both cores saturated by other processes):
 *     79-99 % for these five, 49-65 % for round_robin and weighted_round_robin, which ignore load (and are
 *     not held to it).</li>
 * </ul>
 * A load-following strategy reads a shared, noisy machine (CPU load, latencies): a run that misses its balance
 * (the two checks above; never the "Always" ones) is run once more, and the second run must hold. A strategy
 * that herds or ignores a pool misses twice.
 * The distributions are printed to the test's output for every strategy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LoadBalancingIT extends PoolerTestSupport {

    static final String GENERAL = "general_pool";
    static final String EMBEDDING = "embedding_pool";
    static final String GENERATION = "generation_pool";

    static final List<String> STRATEGIES = List.of("round_robin", "weighted_round_robin", "least_connections", "p2c",
            "response_time", "resource_aware", "ml_optimized");

    static final int REQUESTS = 1000;
    static final int SENDERS = 8;
    static final int WINDOW = 100;
    static final int RR_TOLERANCE = 1;
    static final int WRR_TOLERANCE = 2;
    static final int MIN_SHARE_PERCENT = 1;
    static final int MIN_BUSY_RATIO_PERCENT = 50;

    static final int DIM = 64;
    static final List<String> LABELS = List.of("sports", "politics", "science");

    /** One kind of request in the mix: its command, the capability it states (or null), its weight per 20. */
    private record Kind(String name, String command, String statedCapability, int per20) {
    }

    static final List<Kind> MIX = List.of(
            new Kind("embed", "embed", null, 3),
            new Kind("similarity", "similarity", null, 2),
            new Kind("cluster", "cluster", null, 2),
            new Kind("classify", "classify", null, 1),
            new Kind("echo", "echo", null, 2),
            new Kind("sleep", "sleep", null, 1),
            new Kind("generation_echo", "echo", "generation", 5),
            new Kind("generation_sleep", "sleep", "generation", 4));

    /** Kinds of the 20 slots of a round, interleaved (fixed seed) so no kind comes in a block. */
    private static final List<Kind> SLOTS;

    static {
        List<Kind> slots = new ArrayList<>();
        for (Kind k : MIX) {
            for (int i = 0; i < k.per20(); i++) {
                slots.add(k);
            }
        }
        if (slots.size() != 20) {
            throw new IllegalStateException("the mix must have 20 slots, has " + slots.size());
        }
        Collections.shuffle(slots, new Random(20250716L));
        SLOTS = List.copyOf(slots);
    }

    /** What one run of the load produced. */
    private record Run(String strategy, Request[] requests, String[] capabilities, Response[] responses, String[] errors,
                       Map<String, PoolStats> before, Map<String, PoolStats> after, Map<String, Integer> peakQueue,
                       List<Event> routed, long millis) {
    }

    @Test
    public void loadBalancingDistributesRequestsEfficiently() throws Exception {
        createPool(GENERAL, Map.of("pool.type", "general", "size", 8, "priority", "medium", "sharing.policy", "overflow",
                "capabilities", new String[] {"all"}, "adapter", "bench,text"));
        createPool(EMBEDDING, Map.of("pool.type", "embedding", "size", 4, "priority", "high", "sharing.policy", "strict",
                "specialization", "text-embedding-ada-002",
                "capabilities", new String[] {"embedding", "similarity", "clustering"}, "adapter", "text"));
        createPool(GENERATION, Map.of("pool.type", "generation", "size", 6, "priority", "high",
                "sharing.policy", "adaptive", "specialization", "gpt-4",
                "capabilities", new String[] {"generation", "completion", "reasoning"}, "adapter", "bench,text"));
        Map<String, Pool> pools = new TreeMap<>();
        pools.put(GENERAL, awaitPool(GENERAL, 8));
        pools.put(EMBEDDING, awaitPool(EMBEDDING, 4));
        pools.put(GENERATION, awaitPool(GENERATION, 6));
        assertEquals(Priority.HIGH, pools.get(EMBEDDING).config().priority());

        RequestRouter router = router();
        assertEquals("embedding", router.capabilityOf("embed"));
        assertEquals("similarity", router.capabilityOf("similarity"));
        assertEquals("clustering", router.capabilityOf("cluster"));
        assertEquals("classification", router.capabilityOf("classify"));
        assertEquals("general", router.capabilityOf("echo"));
        assertEquals("general", router.capabilityOf("sleep"));

        List<String> violations = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        try (EventCollector events = EventCollector.register(context)) {
            for (String strategy : STRATEGIES) {
                useStrategy(strategy);
                List<String> balance = new ArrayList<>();
                for (int attempt = 1; attempt <= 2; attempt++) {
                    events.clear();
                    Run run = runLoad(strategy, pools, router(), events);
                    String report = report(run, pools);
                    table.append(report);
                    System.out.println(report);
                    balance.clear();
                    check(run, pools, violations, balance);
                    if (balance.isEmpty()) {
                        break;
                    }
                    // A load-following strategy reads a noisy machine (CPU, latency); one run that misses the
                    // balance is run once more, and the second must hold. Correctness counts at every run.
                    String note = "   (attempt " + attempt + " missed the balance: " + balance + ")\n";
                    table.append(note);
                    System.out.println(note);
                }
                violations.addAll(balance);
            }
        }
        assertTrue(violations.size() + " violations:\n  " + String.join("\n  ", violations) + "\n" + table,
                violations.isEmpty());
    }

    // --- the load ------------------------------------------------------------------------------

    private Run runLoad(String strategy, Map<String, Pool> pools, RequestRouter router, EventCollector events)
            throws Exception {
        String tag = strategy + "/" + UUID.randomUUID();
        Request[] requests = new Request[REQUESTS];
        String[] capabilities = new String[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            requests[i] = request(i, tag);
            Kind k = kind(i);
            capabilities[i] = k.statedCapability() != null ? k.statedCapability() : router.capabilityOf(k.command());
        }
        Map<String, PoolStats> before = stats(pools);

        Map<String, Integer> peak = new ConcurrentHashMap<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                for (Pool p : pools.values()) {
                    peak.merge(p.id(), p.stats().queued(), Math::max);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "queue-sampler");
        sampler.setDaemon(true);
        sampler.start();

        @SuppressWarnings("unchecked")
        CompletableFuture<Response>[] futures = new CompletableFuture[REQUESTS];
        Semaphore window = new Semaphore(WINDOW);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < SENDERS; t++) {
                int first = t;
                done.add(senders.submit(() -> {
                    for (int i = first; i < REQUESTS; i += SENDERS) {
                        window.acquireUninterruptibly();
                        CompletableFuture<Response> f = router.route(requests[i]).toCompletableFuture();
                        f.whenComplete((r, e) -> window.release());
                        futures[i] = f;
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(futures).handle((v, e) -> null).get(60, TimeUnit.SECONDS);
        } finally {
            senders.shutdownNow();
            sampling.set(false);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        sampler.join(5_000);

        Response[] responses = new Response[REQUESTS];
        String[] errors = new String[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            try {
                responses[i] = futures[i].join();
            } catch (RuntimeException e) {
                errors[i] = PoolerException.of(e).toString();
            }
        }
        // Every dispatch posts one REQUEST_ROUTED before the request runs; all runs are over, so all were posted.
        Await.until("the REQUEST_ROUTED events of the run arrived",
                () -> events.received(PoolerEvents.REQUEST_ROUTED).size() >= REQUESTS,
                () -> events.received(PoolerEvents.REQUEST_ROUTED).size() + " of " + REQUESTS);
        Await.until("the pools settled", () -> pools.values().stream().allMatch(p -> p.stats().queued() == 0
                && p.stats().busy() == 0));
        return new Run(strategy, requests, capabilities, responses, errors, before, stats(pools), Map.copyOf(peak),
                events.received(PoolerEvents.REQUEST_ROUTED), millis);
    }

    private static Kind kind(int i) {
        return SLOTS.get(i % SLOTS.size());
    }

    private static Request request(int i, String tag) {
        Kind k = kind(i);
        JsonObject args = new JsonObject();
        switch (k.command()) {
            case "embed" -> {
                args.addProperty("text", "request " + i + " about topic " + (i % 7) + " " + tag);
                args.addProperty("dim", DIM);
            }
            case "similarity" -> {
                args.addProperty("a", "the quick brown fox " + i);
                args.addProperty("b", "a quick brown dog " + (i % 5));
                args.addProperty("dim", DIM);
            }
            case "cluster" -> {
                JsonArray texts = new JsonArray();
                for (String t : List.of("football match", "tennis final", "election result", "parliament vote",
                        "football league " + i, "senate debate " + i)) {
                    texts.add(t);
                }
                args.add("texts", texts);
                args.addProperty("k", 2);
                args.addProperty("n_init", 2);
                args.addProperty("dim", DIM);
            }
            case "classify" -> {
                args.addProperty("text", "the team won the cup final " + i);
                JsonArray labels = new JsonArray();
                LABELS.forEach(labels::add);
                args.add("labels", labels);
                args.addProperty("dim", DIM);
            }
            case "echo" -> {
                args.addProperty("n", i);
                args.addProperty("tag", tag + "/" + i);
            }
            case "sleep" -> args.addProperty("ms", 1 + i % 3);
            default -> throw new IllegalStateException(k.command());
        }
        Request.Builder b = Request.builder(k.command()).args(args);
        if (k.statedCapability() != null) {
            b.capability(k.statedCapability());
        }
        return b.build();
    }

    private static Map<String, PoolStats> stats(Map<String, Pool> pools) {
        Map<String, PoolStats> out = new TreeMap<>();
        pools.forEach((id, p) -> out.put(id, p.stats()));
        return out;
    }

    // --- the checks ----------------------------------------------------------------------------

    /**
     * Adds what breaks a promise to {@code violations}, and what misses a load-following strategy's balance
     * (starvation, unequal work per worker) to {@code balance}.
     */
    private static void check(Run run, Map<String, Pool> pools, List<String> violations, List<String> balance) {
        String s = run.strategy();
        int answered = 0;
        List<String> errors = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            if (run.errors()[i] != null) {
                errors.add("#" + i + " " + kind(i).name() + ": " + run.errors()[i]);
                continue;
            }
            answered++;
            Response r = run.responses()[i];
            Pool p = pools.get(r.poolId());
            if (p == null || !p.config().supports(run.capabilities()[i])) {
                wrong.add("#" + i + " " + kind(i).name() + " (capability " + run.capabilities()[i] + ") ran on " + r.poolId());
            }
            if ((isEmbeddingFamily(run.capabilities()[i]) && GENERATION.equals(r.poolId()))
                    || ("generation".equals(run.capabilities()[i]) && EMBEDDING.equals(r.poolId()))) {
                wrong.add("#" + i + " " + kind(i).name() + " ran on the other specialised pool " + r.poolId());
            }
            String bad = checkResult(run.requests()[i], r.result());
            if (bad != null) {
                wrong.add("#" + i + " " + kind(i).name() + ": " + bad);
            }
        }
        if (!errors.isEmpty()) {
            violations.add(s + ": " + errors.size() + " of " + REQUESTS + " requests failed, e.g. "
                    + errors.subList(0, Math.min(5, errors.size())));
        }
        if (!wrong.isEmpty()) {
            violations.add(s + ": " + wrong.size() + " requests answered wrongly or by an incapable pool, e.g. "
                    + wrong.subList(0, Math.min(5, wrong.size())));
        }
        if (answered != REQUESTS) {
            return; // the distribution of a partial run says nothing more
        }

        // No queue overflowed and nothing was refused or re-routed: the pools failed nothing and completed exactly the load.
        long completed = 0;
        for (String id : pools.keySet()) {
            long failed = run.after().get(id).failed() - run.before().get(id).failed();
            long done = run.after().get(id).completed() - run.before().get(id).completed();
            completed += done;
            if (failed != 0) {
                violations.add(s + ": pool " + id + " failed " + failed + " requests (refused as POOL_OVERLOADED or worse)");
            }
            long answeredThere = Arrays.stream(run.responses()).filter(r -> id.equals(r.poolId())).count();
            if (done != answeredThere) {
                violations.add(s + ": pool " + id + " completed " + done + " requests but answered " + answeredThere);
            }
            int queueLimit = pools.get(id).config().resourceLimits().maxQueue();
            if (run.peakQueue().getOrDefault(id, 0) >= queueLimit) {
                violations.add(s + ": pool " + id + "'s queue reached its limit " + queueLimit);
            }
        }
        if (completed != REQUESTS) {
            violations.add(s + ": the pools completed " + completed + " requests, expected " + REQUESTS);
        }
        // The strategy chose every request itself, once.
        Map<String, Integer> byStrategy = new TreeMap<>();
        for (Event e : run.routed()) {
            byStrategy.merge(String.valueOf(e.getProperty(PoolerEvents.STRATEGY)), 1, Integer::sum);
        }
        if (run.routed().size() != REQUESTS || !Map.of(s, REQUESTS).equals(byStrategy)) {
            violations.add(s + ": " + run.routed().size() + " REQUEST_ROUTED events by strategy " + byStrategy
                    + ", expected " + REQUESTS + " all by " + s);
        }

        Map<String, Map<String, Integer>> byCapability = countsByCapability(run);
        if (s.equals("round_robin")) {
            byCapability.forEach((capability, counts) -> {
                Set<String> capable = capablePools(pools, capability);
                if (capable.size() < 2) {
                    return;
                }
                int min = capable.stream().mapToInt(id -> counts.getOrDefault(id, 0)).min().orElse(0);
                int max = capable.stream().mapToInt(id -> counts.getOrDefault(id, 0)).max().orElse(0);
                if (max - min > RR_TOLERANCE) {
                    violations.add(s + ": capability " + capability + " split " + counts + " over " + capable
                            + ": counts differ by " + (max - min) + " > " + RR_TOLERANCE);
                }
            });
        } else if (s.equals("weighted_round_robin")) {
            byCapability.forEach((capability, counts) -> {
                Set<String> capable = capablePools(pools, capability);
                if (capable.size() < 2) {
                    return;
                }
                long total = capable.stream().mapToLong(id -> weight(pools.get(id).config())).sum();
                int n = counts.values().stream().mapToInt(Integer::intValue).sum();
                for (String id : capable) {
                    double expected = (double) n * weight(pools.get(id).config()) / total;
                    int got = counts.getOrDefault(id, 0);
                    if (Math.abs(got - expected) > WRR_TOLERANCE) {
                        violations.add(String.format(Locale.ROOT, "%s: capability %s: %s got %d of %d, expected %.1f "
                                + "(weight %d of %d) +- %d", s, capability, id, got, n, expected,
                                weight(pools.get(id).config()), total, WRR_TOLERANCE));
                    }
                }
            });
        } else {
            Map<String, Double> busy = busyMsPerWorker(run, pools);
            double most = busy.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            busy.forEach((id, ms) -> {
                if (ms * 100 < MIN_BUSY_RATIO_PERCENT * most) {
                    balance.add(String.format(Locale.ROOT, "%s: pool %s was busy %.0f ms per worker, less than %d %% "
                            + "of the busiest pool's %.0f ms: %s", s, id, ms, MIN_BUSY_RATIO_PERCENT, most, busy));
                }
            });
            Map<Set<String>, Map<String, Integer>> byGroup = countsByCandidates(run, pools);
            byGroup.forEach((capable, counts) -> {
                if (capable.size() < 2) {
                    return;
                }
                int n = counts.values().stream().mapToInt(Integer::intValue).sum();
                double busiestHere = capable.stream().mapToDouble(id -> busy.getOrDefault(id, 0.0)).max().orElse(0);
                for (String id : capable) {
                    int got = counts.getOrDefault(id, 0);
                    boolean hadRoom = busy.getOrDefault(id, 0.0) < busiestHere;
                    if (hadRoom && got * 100L < (long) MIN_SHARE_PERCENT * n) {
                        balance.add(s + ": pool " + id + " starved among " + capable + ": " + got + " of " + n
                                + " requests (< " + MIN_SHARE_PERCENT + " %), split " + counts
                                + ", though it was less busy per worker: " + busy);
                    }
                }
            });
        }
    }

    /** The weight weighted_round_robin gives a pool: serving workers (its size here) x priority factor. */
    static long weight(PoolConfig c) {
        int factor = switch (c.priority()) {
            case HIGH -> 3;
            case MEDIUM -> 2;
            case LOW -> 1;
        };
        return (long) c.size() * factor;
    }

    private static boolean isEmbeddingFamily(String capability) {
        return Set.of("embedding", "similarity", "clustering").contains(capability);
    }

    private static Set<String> capablePools(Map<String, Pool> pools, String capability) {
        Set<String> out = new TreeSet<>();
        pools.forEach((id, p) -> {
            if (p.config().supports(capability)) {
                out.add(id);
            }
        });
        return out;
    }

    /** capability -> pool -> answered requests. */
    private static Map<String, Map<String, Integer>> countsByCapability(Run run) {
        Map<String, Map<String, Integer>> out = new TreeMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            Response r = run.responses()[i];
            if (r != null) {
                out.computeIfAbsent(run.capabilities()[i], c -> new TreeMap<>()).merge(r.poolId(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** pool -> service time of the requests it answered, in ms, per worker of its configured size. */
    private static Map<String, Double> busyMsPerWorker(Run run, Map<String, Pool> pools) {
        Map<String, Double> out = new TreeMap<>();
        pools.keySet().forEach(id -> out.put(id, 0.0));
        for (Response r : run.responses()) {
            if (r != null) {
                out.merge(r.poolId(), r.serviceNanos() / 1e6 / pools.get(r.poolId()).config().size(), Double::sum);
            }
        }
        return out;
    }

    /** candidate pools -> pool -> answered requests: capabilities with the same candidates grouped. */
    private static Map<Set<String>, Map<String, Integer>> countsByCandidates(Run run, Map<String, Pool> pools) {
        Map<Set<String>, Map<String, Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            Response r = run.responses()[i];
            if (r != null) {
                out.computeIfAbsent(capablePools(pools, run.capabilities()[i]), c -> new TreeMap<>())
                        .merge(r.poolId(), 1, Integer::sum);
            }
        }
        return out;
    }

    /** Null when the result is what the command returns for these arguments, else what is wrong. */
    private static String checkResult(Request request, JsonElement result) {
        if (result == null || !result.isJsonObject()) {
            return "result " + result;
        }
        JsonObject o = result.getAsJsonObject();
        JsonObject args = request.args();
        return switch (request.command()) {
            case "echo" -> args.equals(o) ? null : "echo returned " + o;
            case "sleep" -> o.has("slept_ms") && o.get("slept_ms").getAsDouble() == args.get("ms").getAsDouble() ? null
                    : "sleep returned " + o;
            case "embed" -> o.has("embedding") && o.getAsJsonArray("embedding").size() == DIM ? null : "embed returned " + o;
            case "similarity" -> o.has("similarity") && Math.abs(o.get("similarity").getAsDouble()) <= 1.0 + 1e-9 ? null
                    : "similarity returned " + o;
            case "cluster" -> o.has("labels") && o.getAsJsonArray("labels").size() == args.getAsJsonArray("texts").size()
                    ? null : "cluster returned " + o;
            case "classify" -> o.has("label") && LABELS.contains(o.get("label").getAsString()) ? null
                    : "classify returned " + o;
            default -> "unexpected command " + request.command();
        };
    }

    // --- the report ----------------------------------------------------------------------------

    private static String report(Run run, Map<String, Pool> pools) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n== %s: %d requests in %d ms%n", run.strategy(), REQUESTS, run.millis()));
        Map<String, Integer> total = new TreeMap<>();
        for (Response r : run.responses()) {
            if (r != null) {
                total.merge(r.poolId(), 1, Integer::sum);
            }
        }
        b.append("   per pool: ").append(total).append("  peak queue: ").append(new TreeMap<>(run.peakQueue())).append('\n');
        countsByCandidates(run, pools).forEach((capable, counts) -> {
            int n = counts.values().stream().mapToInt(Integer::intValue).sum();
            b.append("   ").append(capable).append(": ");
            counts.forEach((id, c) -> b.append(String.format(Locale.ROOT, "%s %d (%.1f %%)  ", id, c, 100.0 * c / n)));
            b.append('\n');
        });
        b.append("   per capability: ").append(countsByCapability(run)).append('\n');
        b.append("   busy ms per worker: ");
        busyMsPerWorker(run, pools).forEach((id, ms) -> b.append(String.format(Locale.ROOT, "%s %.0f  ", id, ms)));
        b.append('\n');
        long errors = Arrays.stream(run.errors()).filter(e -> e != null).count();
        if (errors > 0) {
            b.append("   errors: ").append(errors).append('\n');
        }
        return b.toString();
    }
}
