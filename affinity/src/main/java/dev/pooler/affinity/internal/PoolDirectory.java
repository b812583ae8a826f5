package dev.pooler.affinity.internal;

import java.util.List;

/** What the affinity policy needs to know about pools beyond the router's candidates (the registry in the framework). */
interface PoolDirectory {

    /** Whether a pool with that id exists now. */
    boolean exists(String poolId);

    /** Why the pool cannot take a request of that capability now: {@code pool_gone}, {@code request_type_unsupported}, or {@code pool_<state>}. */
    String whyUnavailable(String poolId, String capability);

    /** Ids of the pools that can take a request of that capability now, in a stable order. */
    List<String> capable(String capability);
}
