package dev.pooler.api.adapter;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The adapters that bundles deliver. A bundle offers one or more with the manifest header
 * <pre>Pooler-Adapter: sentiment;module=acme.sentiment;version=1.2.0</pre>
 * (clauses joined by commas; {@code module} is the Python module to import, by default the name;
 * {@code version} by default the bundle's; {@code path} the folder inside the jar that holds the
 * module's top-level package, by default the jar's root). When the bundle becomes active its Python
 * files are unpacked and checked in a real interpreter (the module imports and has a {@code COMMANDS}
 * dict); only then does the adapter serve. A pool that names it ({@code adapter=sentiment}) starts its
 * workers on that code; an update rolls those workers one at a time; a version that fails the check is
 * refused and the previous one keeps serving; a removed adapter is {@link AdapterInfo.State#MISSING}
 * and the pools that name it answer new requests with {@code NO_CAPABLE_POOL} naming it.
 */
@ProviderType
public interface AdapterCatalog {

    /** The manifest header that makes a bundle an adapter bundle. */
    String HEADER = "Pooler-Adapter";

    /** Every adapter a bundle offered since the framework started (missing ones too), by name. */
    List<AdapterInfo> adapters();

    /** The adapter of that name, if a bundle ever offered it. */
    Optional<AdapterInfo> adapter(String name);
}
