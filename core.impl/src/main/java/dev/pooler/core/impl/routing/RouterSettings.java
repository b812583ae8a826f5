package dev.pooler.core.impl.routing;

import dev.pooler.api.InvalidConfigException;
import java.util.Locale;

/**
 * The validated values of {@link LoadBalancingConfiguration}. A strategy name that no installed
 * bundle provides is valid (the bundle may arrive later); a blank one, a negative interval, a
 * threshold outside 0..1, a zone preference other than prefer/strict/none or a spill load not above 0 is not.
 */
record RouterSettings(String strategy, long rebalanceIntervalMs, boolean workerSharingEnabled,
                             double migrationThreshold, int routedEventSampling, ZoneRule zones) {

    static final RouterSettings DEFAULTS = new RouterSettings("ml_optimized", 30_000L, true, 0.7, 1, ZoneRule.DEFAULTS);

    /** The values a plug-in may read ({@link dev.pooler.api.routing.RequestRouter#loadBalancing()}). */
    dev.pooler.api.routing.LoadBalancingSettings published() {
        return new dev.pooler.api.routing.LoadBalancingSettings(strategy, rebalanceIntervalMs, workerSharingEnabled,
                migrationThreshold);
    }

    /** Validates; throws {@link InvalidConfigException} naming the first bad field. */
    static RouterSettings from(LoadBalancingConfiguration c) {
        String strategy = normalizeStrategy(c.strategy());
        if (strategy == null) {
            throw new InvalidConfigException("strategy", "must name a strategy, was '" + c.strategy() + "'");
        }
        if (c.rebalance_interval() < 0) {
            throw new InvalidConfigException("rebalance_interval", "must be >= 0 milliseconds, was " + c.rebalance_interval());
        }
        double t = c.migration_threshold();
        if (Double.isNaN(t) || t < 0 || t > 1) {
            throw new InvalidConfigException("migration_threshold", "must be between 0 and 1, was " + t);
        }
        if (c.routed_event_sampling() < 0) {
            throw new InvalidConfigException("routed_event_sampling", "must be >= 0 (0 = none), was " + c.routed_event_sampling());
        }
        ZoneRule zones = new ZoneRule(ZoneRule.Preference.parse("zone.preference", c.zone_preference()),
                c.zone_spill_load());
        return new RouterSettings(strategy, c.rebalance_interval(), c.worker_sharing_enabled(), t,
                c.routed_event_sampling(), zones);
    }

    /** {@code :ml_optimized}, {@code ML_Optimized} and {@code ml_optimized} name the same strategy; blank is none. */
    static String normalizeStrategy(String name) {
        if (name == null) {
            return null;
        }
        String s = name.trim();
        if (s.startsWith(":")) {
            s = s.substring(1);
        }
        return s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
    }
}
