package dev.pooler.core.impl.adapters;

import dev.pooler.api.adapter.AdapterCatalog;
import dev.pooler.api.adapter.AdapterInfo;
import dev.pooler.api.events.PoolerEvents;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.registry.PoolHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * The extender (as Declarative Services is one): tracks active bundles carrying the {@value
 * AdapterCatalog#HEADER} header, unpacks each adapter's Python package into this bundle's data area
 * ({@code adapters/<bundle>/<adapter>/<version>-<n>}), checks it in a real interpreter and offers it to
 * the pools ({@link BundledAdapters}); tells the pools that name it when it is installed, updated,
 * refused or gone. All of it runs on one thread of its own, never the framework's.
 * <p>
 * A bundle that stops is not missing at once: a bundle update stops and starts it, and its pools must
 * serve on through that. Its adapters become missing when it has not come back within {@link #GRACE}.
 * The code is unpacked into core's data area, not the adapter bundle's, so uninstalling the bundle
 * never deletes files under workers that still run on them.
 */
@Component(service = AdapterCatalog.class, immediate = true)
public class AdapterExtender implements AdapterCatalog {

    private static final System.Logger LOG = System.getLogger(AdapterExtender.class.getName());
    static final Duration GRACE = Duration.ofSeconds(10);

    private final PoolHost host;
    private final BundledAdapters adapters;
    private final Path root;
    private final ScheduledExecutorService worker;
    private final Map<String, ScheduledFuture<?>> goingMissing = new HashMap<>();
    private final BundleTracker<Bundle> tracker;
    private long unpacked;

    @Activate
    public AdapterExtender(BundleContext context, @Reference PoolHost host) {
        this.host = host;
        this.adapters = host.runtime().adapters();
        this.root = context.getDataFile("adapters").toPath();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pooler-adapters");
            t.setDaemon(true);
            return t;
        });
        this.tracker = new BundleTracker<>(context, Bundle.ACTIVE, new BundleTrackerCustomizer<>() {
            @Override
            public Bundle addingBundle(Bundle bundle, BundleEvent event) {
                if (bundle.getHeaders("").get(HEADER) == null) {
                    return null;
                }
                worker.execute(() -> install(bundle));
                return bundle;
            }

            @Override
            public void modifiedBundle(Bundle bundle, BundleEvent event, Bundle object) {
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, Bundle object) {
                worker.execute(() -> stopped(bundle.getBundleId(), bundle.getSymbolicName()));
            }
        });
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
        worker.shutdownNow();
    }

    // --- AdapterCatalog -------------------------------------------------------------------------------

    @Override
    public List<AdapterInfo> adapters() {
        return adapters.all().stream().sorted(Comparator.comparing(BundledAdapter::name)).map(this::info).toList();
    }

    @Override
    public Optional<AdapterInfo> adapter(String name) {
        return adapters.get(name).map(this::info);
    }

    private AdapterInfo info(BundledAdapter a) {
        return new AdapterInfo(a.name(), a.module(), a.version(), a.bundle(), a.bundleId(),
                a.active() ? AdapterInfo.State.ACTIVE : AdapterInfo.State.MISSING, a.lastError(), poolsNaming(a.name()));
    }

    private List<String> poolsNaming(String name) {
        List<String> out = new ArrayList<>();
        for (PythonPool p : host.pools()) {
            if (BundledAdapters.names(p.config().workerSpec().adapter(), name)) {
                out.add(p.id());
            }
        }
        out.sort(null);
        return out;
    }

    // --- on the extender's thread ---------------------------------------------------------------------

    private void install(Bundle bundle) {
        String bsn = bundle.getSymbolicName();
        List<AdapterHeader.Clause> clauses;
        try {
            clauses = AdapterHeader.parse(bundle.getHeaders("").get(HEADER), bundle.getVersion().toString());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "bundle {0} ({1}) is refused as an adapter bundle: {2}", bsn,
                    bundle.getBundleId(), e.getMessage());
            post("", bundle.getVersion().toString(), "refused", "bundle " + bsn + ": " + e.getMessage());
            return;
        }
        for (AdapterHeader.Clause c : clauses) {
            install(bundle, c);
        }
    }

    private void install(Bundle bundle, AdapterHeader.Clause c) {
        String bsn = bundle.getSymbolicName();
        ScheduledFuture<?> pending = goingMissing.remove(c.name());
        if (pending != null) {
            pending.cancel(false);
        }
        BundledAdapter previous = adapters.get(c.name()).orElse(null);
        Path folder = root.resolve(safe(bsn)).resolve(c.name()).resolve(safe(c.version()) + "-" + (++unpacked) + "-"
                + bundle.getLastModified());
        String error;
        String output = "";
        try {
            int files = AdapterUnpacker.unpack(bundle, c, folder);
            BundledAdapter candidate = new BundledAdapter(c.name(), c.module(), c.version(), folder, bsn,
                    bundle.getBundleId(), true, null);
            BundledAdapters alone = new BundledAdapters();
            alone.put(candidate);
            AdapterCheck.Outcome checked = AdapterCheck.run(host.defaultPython(), host.runtime().runtimeDir(), c.name(),
                    alone.tableFor(c.name()).toString());
            output = checked.output();
            error = checked.ok() ? null : checked.error();
            if (error == null) {
                adapters.put(candidate);
                LOG.log(System.Logger.Level.INFO, "adapter {0} {1} (module {2}, {3} files, bundle {4}) serves{5}", c.name(),
                        c.version(), c.module(), files, bsn, previous == null ? "" : previous.active()
                                ? " in place of " + previous.version() : " again");
                post(c.name(), c.version(), previous == null ? "installed" : "updated",
                        "adapter " + c.name() + " " + c.version() + " from bundle " + bsn);
                tellPools(c.name(), true);
                keepOnly(folder, previous == null ? null : previous.folder());
                return;
            }
        } catch (IOException | RuntimeException e) {
            error = "cannot unpack it: " + e.getMessage();
        }
        LOG.log(System.Logger.Level.ERROR, "adapter {0} {1} from bundle {2} is refused: {3}{4}", c.name(), c.version(), bsn,
                error, output.isBlank() ? "" : "\n" + output.strip());
        try {
            AdapterUnpacker.deleteTree(folder);
        } catch (IOException ignored) {
            // left for the next clean-up
        }
        if (previous != null && previous.active()) {
            adapters.put(previous.refused(c.version(), error)); // the pools keep serving the old version
        } else {
            BundledAdapter refused = new BundledAdapter(c.name(), c.module(), c.version(), folder, bsn, bundle.getBundleId(),
                    false, "version " + c.version() + " refused: " + error);
            adapters.put(refused);
            tellPools(c.name(), false);
        }
        post(c.name(), c.version(), "refused", "adapter " + c.name() + " " + c.version() + " from bundle " + bsn + ": " + error);
    }

    private void stopped(long bundleId, String bsn) {
        for (BundledAdapter a : adapters.all()) {
            if (a.bundleId() == bundleId && a.active()) {
                ScheduledFuture<?> old = goingMissing.put(a.name(), worker.schedule(() -> goneFor(a),
                        GRACE.toMillis(), TimeUnit.MILLISECONDS));
                if (old != null) {
                    old.cancel(false);
                }
                LOG.log(System.Logger.Level.INFO, "adapter {0}: bundle {1} stopped; pools serve on, and the adapter is missing "
                        + "unless the bundle is back within {2} s", a.name(), bsn, GRACE.toSeconds());
            }
        }
    }

    private void goneFor(BundledAdapter a) {
        goingMissing.remove(a.name());
        if (adapters.get(a.name()).orElse(null) != a) {
            return; // replaced meanwhile
        }
        adapters.put(a.missing());
        LOG.log(System.Logger.Level.WARNING, "adapter {0} {1} is missing: bundle {2} is gone; pools {3} refuse new requests",
                a.name(), a.version(), a.bundle(), poolsNaming(a.name()));
        post(a.name(), a.version(), "missing", "adapter " + a.name() + " " + a.version() + ": bundle " + a.bundle() + " is gone");
        tellPools(a.name(), false);
    }

    private void tellPools(String name, boolean newCode) {
        for (PythonPool p : host.pools()) {
            try {
                p.adapterChanged(name, newCode);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "pool " + p.id() + " could not take adapter " + name + "'s change", e);
            }
        }
    }

    private void post(String name, String version, String state, String message) {
        host.events().post(PoolerEvents.ADAPTER_CHANGED, Map.of(PoolerEvents.ADAPTER, name,
                PoolerEvents.ADAPTER_VERSION, version, PoolerEvents.ADAPTER_STATE, state, PoolerEvents.MESSAGE, message,
                PoolerEvents.POOLS, poolsNaming(name).toArray(String[]::new)));
    }

    /** Deletes an adapter's older unpacked versions, keeping the one that serves and the one before (workers may still run it). */
    private static void keepOnly(Path current, Path previous) {
        Path parent = current.getParent();
        try (Stream<Path> all = Files.list(parent)) {
            for (Path p : all.toList()) {
                if (!p.equals(current) && !p.equals(previous)) {
                    AdapterUnpacker.deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not clean " + parent, e);
        }
    }

    private static String safe(String s) {
        return s == null ? "unnamed" : s.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    }
}
