package dev.pooler.core.impl.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * What a pool decided under its lock and does after releasing it: writes to worker pipes, kills,
 * answers, events. Nothing that can block, and no caller's code, runs under a pool's lock.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private List<Runnable> actions;

    void add(Runnable action) {
        if (actions == null) {
            actions = new ArrayList<>(4);
        }
        actions.add(action);
    }

    /** Runs everything, in order; one failing action does not stop the others. */
    void run() {
        if (actions == null) {
            return;
        }
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "a pool action failed", e);
            }
        }
        actions = null;
    }
}
