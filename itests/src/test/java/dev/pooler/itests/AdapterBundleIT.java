package dev.pooler.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import dev.pooler.api.ErrorKind;
import dev.pooler.api.Pool;
import dev.pooler.api.PoolerException;
import dev.pooler.api.Request;
import dev.pooler.api.Response;
import dev.pooler.api.WorkerInfo;
import dev.pooler.api.adapter.AdapterCatalog;
import dev.pooler.api.adapter.AdapterInfo;
import dev.pooler.api.events.PoolerEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Python code delivered as bundles (the {@code Pooler-Adapter} extender): the example bundle
 * {@code examples/adapter-sentiment} serves its command in a pool that names it; an update rolls the
 * pool's workers one at a time under load with every request answered once and the pool never below its
 * size minus one; a broken version is refused (with the Python error) while the old one keeps serving;
 * an uninstalled adapter makes its pools answer with a typed error naming it, until it is back.
 * Test bundles other than the example are built here, as jars in memory, by {@link #adapterJar}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AdapterBundleIT extends PoolerTestSupport {

    private final List<Bundle> installed = new ArrayList<>();

    @After
    public void uninstallAdapterBundles() throws Exception {
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
    }

    @Test
    public void theExampleBundleServesItsCommand() throws Exception {
        Path jar = Path.of(System.getProperty("pooler.sentiment", "pooler.sentiment is not set"));
        assertTrue("the example adapter bundle was built: " + jar, Files.isRegularFile(jar));
        Bundle b = context.installBundle(jar.toUri().toString());
        installed.add(b);
        b.start();
        AdapterInfo info = awaitAdapter("sentiment", "1.0.0");
        assertEquals("pooler_sentiment", info.module());
        assertEquals(AdapterInfo.State.ACTIVE, info.state());

        createPool("moods", Map.of("size", 2, "adapter", "sentiment"));
        Pool pool = awaitPool("moods", 2);
        JsonObject r = answer(pool.execute(Request.of("classify", json("text", "I love it, great and fast")))
                .toCompletableFuture()).result().getAsJsonObject();
        assertEquals("positive", r.get("label").getAsString());
        assertEquals(List.of("moods"), catalog().adapter("sentiment").orElseThrow().pools());
    }

    @Test
    public void anUpdateRollsTheWorkersUnderLoadAndLosesNoRequest() throws Exception {
        Bundle b = installAdapter(adapterJar("1.0.0", "return {'version': 1}"));
        awaitAdapter("flip", "1.0.0");
        int size = 3;
        createPool("flips", Map.of("size", size, "adapter", "flip"));
        Pool pool = awaitPool("flips", size);
        Set<Long> before = readyPids(pool);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        Map<Integer, AtomicInteger> byVersion = new ConcurrentHashMap<>();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger fewestReady = new AtomicInteger(Integer.MAX_VALUE);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    sent.incrementAndGet();
                    try {
                        Response r = pool.execute(Request.of("which")).toCompletableFuture().get(30, TimeUnit.SECONDS);
                        byVersion.computeIfAbsent(r.result().getAsJsonObject().get("version").getAsInt(),
                                v -> new AtomicInteger()).incrementAndGet();
                    } catch (ExecutionException e) {
                        errors.add(String.valueOf(e.getCause()));
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                    answered.incrementAndGet();
                }
            }, "flip-client-" + i);
            t.start();
            clients.add(t);
        }
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                fewestReady.accumulateAndGet(readyPids(pool).size(), Math::min);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            Await.until("requests flow on version 1", () -> byVersion.getOrDefault(1, new AtomicInteger()).get() >= 50);
            b.update(new ByteArrayInputStream(adapterJar("2.0.0", "return {'version': 2}")));
            awaitAdapter("flip", "2.0.0");
            Await.until("every worker of the pool was replaced", Duration.ofSeconds(60), () -> {
                Set<Long> now = readyPids(pool);
                return now.size() == size && Collections.disjoint(now, before) && !rolling(pool);
            }, () -> describe(pool) + " before " + before);
            long v2 = byVersion.getOrDefault(2, new AtomicInteger()).get();
            Await.until("requests flow on version 2", () -> byVersion.get(2).get() >= v2 + 50);
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(60_000);
            }
            sampler.interrupt();
            sampler.join();
        }
        record(pool);
        assertTrue(errors.size() + " requests failed during the update, e.g. " + errors.stream().limit(5).toList(),
                errors.isEmpty());
        assertEquals("every request sent was answered once", sent.get(), answered.get());
        assertTrue("both versions answered: " + byVersion, byVersion.get(1).get() > 0 && byVersion.get(2).get() > 0);
        assertTrue("the pool never served with fewer than size - 1 = " + (size - 1) + " ready workers, saw "
                + fewestReady.get(), fewestReady.get() >= size - 1);
        for (int i = 0; i < 10; i++) {
            assertEquals(2, answer(pool.execute(Request.of("which")).toCompletableFuture()).result().getAsJsonObject()
                    .get("version").getAsInt());
        }
    }

    @Test
    public void aBrokenVersionIsRefusedAndTheOldOneKeepsServing() throws Exception {
        try (EventCollector events = EventCollector.register(context)) {
            Bundle b = installAdapter(adapterJar("1.0.0", "return {'version': 1}"));
            awaitAdapter("flip", "1.0.0");
            createPool("flips", Map.of("size", 2, "adapter", "flip"));
            Pool pool = awaitPool("flips", 2);
            Set<Long> before = readyPids(pool);

            b.update(new ByteArrayInputStream(adapterJar("1.1.0", "return {'version': (1,")));
            var refused = events.await(PoolerEvents.ADAPTER_CHANGED,
                    e -> "refused".equals(e.getProperty(PoolerEvents.ADAPTER_STATE)) && "flip".equals(e.getProperty(PoolerEvents.ADAPTER)));
            String message = String.valueOf(refused.getProperty(PoolerEvents.MESSAGE));
            assertTrue(message, message.contains("1.1.0") && message.contains("SyntaxError"));
            AdapterInfo info = catalog().adapter("flip").orElseThrow();
            assertEquals("the old version still serves", "1.0.0", info.version());
            assertEquals(AdapterInfo.State.ACTIVE, info.state());
            assertTrue(info.lastError(), info.lastError().contains("SyntaxError"));
            for (int i = 0; i < 20; i++) {
                assertEquals(1, answer(pool.execute(Request.of("which")).toCompletableFuture()).result()
                        .getAsJsonObject().get("version").getAsInt());
            }
            assertEquals("no worker was restarted for the refused version", before, readyPids(pool));
        }
    }

    @Test
    public void anUninstalledAdapterMakesItsPoolsAnswerATypedErrorUntilItIsBack() throws Exception {
        try (EventCollector events = EventCollector.register(context)) {
            Bundle b = installAdapter(adapterJar("1.0.0", "return {'version': 1}"));
            awaitAdapter("flip", "1.0.0");
            createPool("flips", Map.of("size", 2, "adapter", "flip"));
            Pool pool = awaitPool("flips", 2);
            b.uninstall();
            events.await(PoolerEvents.ADAPTER_CHANGED, e -> "missing".equals(e.getProperty(PoolerEvents.ADAPTER_STATE))
                    && "flip".equals(e.getProperty(PoolerEvents.ADAPTER)));
            assertEquals(AdapterInfo.State.MISSING, catalog().adapter("flip").orElseThrow().state());
            PoolerException e = failure(pool.execute(Request.of("which")).toCompletableFuture());
            assertEquals(ErrorKind.NO_CAPABLE_POOL, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains("adapter 'flip' is missing"));
            PoolerException routed = failure(router().route(Request.builder("which").pool("flips").build()).toCompletableFuture());
            assertTrue(routed.getMessage(), routed.getMessage().contains("adapter 'flip'"));

            installAdapter(adapterJar("3.0.0", "return {'version': 3}"));
            awaitAdapter("flip", "3.0.0");
            Await.until("the pool serves version 3", () -> {
                try {
                    return answer(pool.execute(Request.of("which")).toCompletableFuture()).result().getAsJsonObject()
                            .get("version").getAsInt() == 3 && !rolling(pool);
                } catch (Exception notYet) {
                    return false;
                }
            });
            record(pool);
        }
    }

    @Test
    public void aPoolConfiguredBeforeItsAdapterServesOnceTheBundleArrives() throws Exception {
        // "late" is named by no other test: no bundle ever offered it before this pool asks for it.
        createPool("early", Map.of("size", 1, "adapter", "late"));
        Pool pool = Await.value("pool early is published", () -> registry().pool("early").orElse(null));
        Await.until("its workers cannot start without their code", () -> pool.stats().crashes() > 0
                || pool.stats().state() == dev.pooler.api.PoolState.FAILED, () -> describe(pool));
        installAdapter(adapterJar("late", "1.0.0", "return {'version': 1}"));
        awaitAdapter("late", "1.0.0");
        awaitSize(pool, 1);
        assertEquals(1, answer(pool.execute(Request.of("which")).toCompletableFuture()).result().getAsJsonObject()
                .get("version").getAsInt());
    }

    // --- helpers --------------------------------------------------------------------------------------

    private Bundle installAdapter(byte[] jar) throws Exception {
        Bundle b = context.installBundle("memory:adapter-" + System.nanoTime(), new ByteArrayInputStream(jar));
        installed.add(b);
        b.start();
        return b;
    }

    private AdapterCatalog catalog() {
        return Await.value("the AdapterCatalog service", () -> {
            ServiceReference<AdapterCatalog> ref = context.getServiceReference(AdapterCatalog.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    private AdapterInfo awaitAdapter(String name, String version) {
        return Await.value("adapter " + name + " " + version + " serves", () -> catalog().adapter(name)
                .filter(a -> a.state() == AdapterInfo.State.ACTIVE && a.version().equals(version)).orElse(null));
    }

    /** Whether the adapters section says the pool is still rolling its workers. */
    private boolean rolling(Pool pool) {
        return pool.workers().stream().map(WorkerInfo::pid).collect(Collectors.toSet()).size() != pool.config().size()
                || adminStatus(pool.id()).contains("rolling");
    }

    private String adminStatus(String poolId) {
        try {
            for (ServiceReference<dev.pooler.api.admin.AdminSection> ref : context.getServiceReferences(
                    dev.pooler.api.admin.AdminSection.class, "(pooler.admin.section=adapters)")) {
                for (var table : context.getService(ref).tables()) {
                    if (table.name().equals("pool_adapters")) {
                        for (List<String> row : table.rows()) {
                            if (row.get(0).equals(poolId)) {
                                return row.get(3);
                            }
                        }
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        return "";
    }

    /** An adapter bundle {@code flip} (module {@code flip_adapter}) whose command {@code which} runs {@code body}. */
    static byte[] adapterJar(String version, String body) throws IOException {
        return adapterJar("flip", version, body);
    }

    /** An adapter bundle {@code name} (module {@code <name>_adapter}) whose command {@code which} runs {@code body}. */
    static byte[] adapterJar(String name, String version, String body) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "test.adapter." + name);
        a.putValue("Bundle-Version", version);
        a.putValue("Pooler-Adapter", name + ";module=" + name + "_adapter;path=py");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("py/" + name + "_adapter/__init__.py"));
            jar.write(("def which(args, ctx):\n    " + body + "\n\nCOMMANDS = {'which': which}\n")
                    .getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return out.toByteArray();
    }
}
