package dev.pooler.core.impl.adapters;

import dev.pooler.api.ErrorKind;
import dev.pooler.api.PoolerException;
import dev.pooler.api.adapter.AdapterCatalog;
import dev.pooler.api.adapter.AdapterInfo;
import dev.pooler.api.admin.AdminAction;
import dev.pooler.api.admin.AdminSection;
import dev.pooler.api.admin.AdminTable;
import dev.pooler.core.impl.pool.PythonPool;
import dev.pooler.core.impl.registry.PoolHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The adapters bundles deliver, on the Pools page: which version serves, which is missing or was refused
 * (with the Python error), and per pool the bundled code it runs and whether its workers are still
 * rolling onto a new version.
 */
@Component(service = AdminSection.class, property = AdminSection.SECTION + "=" + AdaptersAdminSection.NAME)
public final class AdaptersAdminSection implements AdminSection {

    static final String NAME = "adapters";

    private final AdapterCatalog catalog;
    private final PoolHost host;

    @Activate
    public AdaptersAdminSection(@Reference AdapterCatalog catalog, @Reference PoolHost host) {
        this.catalog = catalog;
        this.host = host;
    }

    @Override
    public String title() {
        return "Adapters delivered as bundles";
    }

    @Override
    public List<AdminTable> tables() {
        List<List<String>> adapters = new ArrayList<>();
        for (AdapterInfo a : catalog.adapters()) {
            adapters.add(List.of(a.name(), a.version(), a.state().name().toLowerCase(java.util.Locale.ROOT), a.module(),
                    a.bundle() + " [" + a.bundleId() + "]", String.join(", ", a.pools()),
                    a.lastError() == null ? "" : a.lastError()));
        }
        List<List<String>> pools = new ArrayList<>();
        BundledAdapters bundled = host.runtime().adapters();
        for (PythonPool p : host.pools()) {
            String setting = p.config().workerSpec().adapter();
            String versions = bundled.versionsOf(setting);
            if (versions.isEmpty()) {
                continue;
            }
            String status = bundled.missingIn(setting) != null ? "adapter missing: refuses new requests"
                    : p.rolling() ? "rolling its workers onto the new version" : "serving";
            pools.add(List.of(p.id(), setting, versions, status));
        }
        return List.of(
                new AdminTable("adapters", "Adapters", List.of("name", "version", "state", "module", "bundle", "pools",
                        "last refusal"), adapters),
                new AdminTable("pool_adapters", "Pools running bundled adapters", List.of("pool", "adapter setting",
                        "bundled versions", "status"), pools));
    }

    @Override
    public List<AdminAction> actions() {
        return List.of();
    }

    @Override
    public String perform(String action, Map<String, String> parameters) {
        throw new PoolerException(ErrorKind.BAD_REQUEST, "action: the adapters section has no action '" + action + "'");
    }
}
