package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.api.routing.RequestRouter;
import dev.pooler.api.routing.RoutingDecision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;

/**
 * DESIGN §9 ({@code deploy/}): a strategy plug-in written outside the platform
 * ({@code examples/strategy-random}, strategy {@code example_random}) is hot-deployed by dropping its jar
 * into a folder that Felix FileInstall watches, and removed by deleting it. The example is not provisioned
 * as a bundle here: the platform runs without it until the jar lands in the folder.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployFolderIT extends PoolerTestSupport {

    static final String EXAMPLE_ARTIFACT = "dev.pooler.examples.strategy.random";
    static final String EXAMPLE_BSN = "dev.pooler.examples.strategy.random";
    static final String EXAMPLE = "example_random";
    static final String FALLBACK = "round_robin";
    /** Framework property naming the example jar to drop (the test reads it inside the framework). */
    static final String EXAMPLE_JAR_PROPERTY = "pooler.itests.example.jar";

    @Override
    @Configuration
    public Option[] config() {
        Path work = Path.of(System.getProperty("pooler.itests.work", "target/itests-work")).toAbsolutePath();
        Path deploy = work.resolve("deploy-" + UUID.randomUUID());
        try {
            Files.createDirectories(deploy);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + deploy, e);
        }
        return PoolerPlatform.options(f -> !PoolerPlatform.isArtifact(f, EXAMPLE_ARTIFACT),
                CoreOptions.bundle(PoolerPlatform.fileInstallBundle().toUri().toString()).start(),
                frameworkProperty("felix.fileinstall.dir").value(deploy.toString()),
                frameworkProperty("felix.fileinstall.poll").value("200"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.bundles.new.start").value("true"),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                frameworkProperty(EXAMPLE_JAR_PROPERTY).value(PoolerPlatform.bundleFile(EXAMPLE_ARTIFACT).toString()));
    }

    private Path deployDir() {
        return Path.of(context.getProperty("felix.fileinstall.dir"));
    }

    @After
    public void emptyTheDeployFolder() throws IOException {
        Path dir = deployDir();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        Await.until("the example bundle is gone", () -> findBundle(EXAMPLE_BSN).isEmpty());
        Files.deleteIfExists(dir);
    }

    @Test
    public void strategyJarDroppedIntoTheFolderIsUsedAndDeletingItFallsBack() throws Exception {
        Path dir = deployDir();
        assertTrue("FileInstall watches " + dir, Files.isDirectory(dir));
        assertTrue("FileInstall is active", findBundle("org.apache.felix.fileinstall")
                .map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        createPool("dep_a", Map.of("size", 2, "adapter", "bench,testing"));
        createPool("dep_b", Map.of("size", 2, "adapter", "bench,testing"));
        awaitPool("dep_a", 2);
        awaitPool("dep_b", 2);
        RequestRouter router = router();
        assertTrue("the example is not installed yet", findBundle(EXAMPLE_BSN).isEmpty());
        assertFalse(router.availableStrategies().contains(EXAMPLE));

        try (EventCollector events = EventCollector.register(context)) {
            // Drop the jar in: written next to the folder, then moved in at once, so FileInstall never
            // sees half a jar.
            Path example = Path.of(context.getProperty(EXAMPLE_JAR_PROPERTY));
            Path staged = dir.resolveSibling(dir.getFileName() + "-" + example.getFileName() + ".part");
            Files.copy(example, staged, StandardCopyOption.REPLACE_EXISTING);
            Path dropped = dir.resolve(example.getFileName());
            Files.move(staged, dropped, StandardCopyOption.ATOMIC_MOVE);

            Await.until("FileInstall installed and started the example bundle", () -> findBundle(EXAMPLE_BSN)
                    .map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
            Await.until(EXAMPLE + " is available", () -> router.availableStrategies().contains(EXAMPLE),
                    () -> router.availableStrategies().toString());

            useStrategy(EXAMPLE);
            Map<String, Integer> byPool = routeAll(router, 200);
            assertEquals("the random strategy spread 200 requests over both pools: " + byPool,
                    Set.of("dep_a", "dep_b"), byPool.keySet());
            for (RoutingDecision d : router.recentDecisions(200)) {
                assertEquals("decision " + d, EXAMPLE, d.strategy());
                assertEquals("decision " + d, "ok", d.outcome());
            }
            events.await(PoolerEvents.STRATEGY_CHANGED, e -> EXAMPLE.equals(e.getProperty(PoolerEvents.STRATEGY)));

            // Delete the jar while requests keep coming: FileInstall uninstalls the bundle, the router falls back.
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong answered = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                for (int t = 0; t < 2; t++) {
                    callers.execute(() -> {
                        long n = 0;
                        while (running.get()) {
                            Request r = Request.of("echo", json("n", n++));
                            try {
                                router.route(r).toCompletableFuture().get(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS);
                                answered.incrementAndGet();
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                failures.add(r + ": " + PoolerException.of(e));
                            }
                        }
                    });
                }
                Await.until("requests flow", () -> answered.get() >= 20);
                Files.delete(dropped);

                Await.until("FileInstall uninstalled the example bundle", () -> findBundle(EXAMPLE_BSN).isEmpty());
                Await.until(EXAMPLE + " is no longer available", () -> !router.availableStrategies().contains(EXAMPLE),
                        () -> router.availableStrategies().toString());
                Await.until("the router fell back to " + FALLBACK, () -> FALLBACK.equals(router.activeStrategy()),
                        router::activeStrategy);
                long atFallback = answered.get();
                Await.until("requests flow after the fallback", () -> answered.get() - atFallback >= 50);
            } finally {
                running.set(false);
                callers.shutdown();
                assertTrue(callers.awaitTermination(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS));
            }
            assertTrue(failures.size() + " requests failed: " + failures.subList(0, Math.min(10, failures.size())),
                    failures.isEmpty());

            // The configuration still names the absent strategy; the router routes with the fallback meanwhile.
            assertEquals(EXAMPLE, router.configuredStrategy());
            assertEquals(FALLBACK, router.activeStrategy());
            Event fallback = events.await(PoolerEvents.STRATEGY_CHANGED,
                    e -> EXAMPLE.equals(e.getProperty(PoolerEvents.PREVIOUS_STRATEGY)));
            assertEquals(FALLBACK, fallback.getProperty(PoolerEvents.STRATEGY));
            assertTrue(String.valueOf(fallback.getProperty(PoolerEvents.REASON)),
                    String.valueOf(fallback.getProperty(PoolerEvents.REASON)).contains(EXAMPLE));
            routeAll(router, 50);
            for (RoutingDecision d : router.recentDecisions(50)) {
                assertEquals("decision " + d, FALLBACK, d.strategy());
            }
        }
    }

    /** Routes n echo requests at once; all must succeed; returns the answers per pool. */
    private static Map<String, Integer> routeAll(RequestRouter router, int n) throws Exception {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(router.route(Request.of("echo", json("i", i))).toCompletableFuture());
        }
        Map<String, Integer> byPool = new TreeMap<>();
        for (CompletableFuture<Response> f : futures) {
            Response r = answer(f);
            byPool.merge(r.poolId(), 1, Integer::sum);
        }
        return byPool;
    }
}
