package dev.pooler.core.impl.adapters;

import java.nio.file.Path;

/**
 * One adapter a bundle delivered, as the pools see it.
 *
 * @param folder    where its Python package was unpacked (on the workers' {@code sys.path})
 * @param active    whether it serves; false when its bundle is gone or no version passed the check
 * @param lastError why the last version offered was refused, or null
 */
public record BundledAdapter(String name, String module, String version, Path folder, String bundle, long bundleId,
                             boolean active, String lastError) {

    BundledAdapter missing() {
        return new BundledAdapter(name, module, version, folder, bundle, bundleId, false, lastError);
    }

    BundledAdapter refused(String version, String error) {
        return new BundledAdapter(name, module, this.version, folder, bundle, bundleId, active,
                "version " + version + " refused: " + error);
    }
}
