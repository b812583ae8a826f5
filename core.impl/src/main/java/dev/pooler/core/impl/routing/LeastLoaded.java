package dev.pooler.core.impl.routing;

import dev.pooler.api.routing.PoolSnapshot;
import java.util.List;

/**
 * The router's own choice when no strategy is installed or the chosen one failed: the candidate
 * with the least outstanding work per worker, then the most free workers, then the healthiest.
 * Routing never fails for want of a strategy bundle.
 */
public final class LeastLoaded {

    /** The name decisions and events carry when this choice was made. */
    public static final String NAME = "builtin_least_loaded";

    private LeastLoaded() {
    }

    /** Index of the least loaded candidate; {@code candidates} must not be empty. Pure. */
    public static int indexOf(List<PoolSnapshot> candidates) {
        int best = 0;
        for (int i = 1; i < candidates.size(); i++) {
            if (better(candidates.get(i), candidates.get(best))) {
                best = i;
            }
        }
        return best;
    }

    static boolean better(PoolSnapshot a, PoolSnapshot b) {
        int c = Double.compare(a.loadPerWorker(), b.loadPerWorker());
        if (c != 0) {
            return c < 0;
        }
        if (a.idle() != b.idle()) {
            return a.idle() > b.idle();
        }
        return a.health() > b.health();
    }
}
