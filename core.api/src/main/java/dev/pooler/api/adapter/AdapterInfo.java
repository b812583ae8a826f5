package dev.pooler.api.adapter;

import java.util.List;

/**
 * One adapter delivered by a bundle.
 *
 * @param name       what pools name it by ({@code adapter=<name>})
 * @param module     the Python module imported
 * @param version    the version that serves (or served last, when missing)
 * @param bundle     the symbolic name of the bundle that delivers it
 * @param bundleId   that bundle's id
 * @param state      whether it serves
 * @param lastError  why the last version offered was refused (the Python error), or null
 * @param pools      the pools configured with it now
 */
public record AdapterInfo(String name, String module, String version, String bundle, long bundleId, State state,
                          String lastError, List<String> pools) {

    public AdapterInfo {
        pools = pools == null ? List.of() : List.copyOf(pools);
    }

    /** Whether an adapter serves. */
    public enum State {
        /** Its code is unpacked and checked; pools naming it serve with it. */
        ACTIVE,
        /**
         * Its bundle is gone (or no version of it ever passed the check): pools naming it answer new
         * requests with {@code NO_CAPABLE_POOL} naming the adapter, until it is back or they are reconfigured.
         */
        MISSING
    }
}
