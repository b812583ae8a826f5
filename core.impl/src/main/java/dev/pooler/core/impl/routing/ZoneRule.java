package dev.pooler.core.impl.routing;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.routing.PoolSnapshot;
import java.util.List;
import java.util.Locale;

/**
 * Which zones may take a request (issue 12): the caller's zone is the request's {@code zone} argument, else this
 * node's zone (none when the node was given none). With {@link Preference#PREFER} only the pools of the caller's
 * zone are candidates while at least one of them has room ({@link PoolSnapshot#loadPerWorker()} below
 * {@code spillLoad}); when every one of them is at or past it, the other zones' pools that have room take the
 * request instead (a spill: the strategy chooses among them); when none has room either, the caller's zone keeps it.
 * With {@link Preference#STRICT} the caller's zone keeps its requests however loaded it is: others take them only
 * when none of its pools can (the router's fallback after refusals). {@link Preference#NONE} ignores zones.
 * <p>
 * No candidate in the caller's zone, or candidates all in one zone, leave nothing to prefer.
 *
 * @param spillLoad outstanding requests per worker ((busy + queued) / workers, or the router's own count when
 *                  higher) at which a pool counts as overloaded; 1.0 = every worker busy
 */
record ZoneRule(Preference preference, double spillLoad) {

    static final ZoneRule DEFAULTS = new ZoneRule(Preference.PREFER, 1.0);

    /** How much a request stays in its caller's zone. */
    enum Preference {
        PREFER, STRICT, NONE;

        /** {@code prefer}, {@code strict} or {@code none}, any case; anything else is refused naming {@code key}. */
        static Preference parse(String key, String value) {
            if (value != null) {
                for (Preference p : values()) {
                    if (p.name().equals(value.trim().toUpperCase(Locale.ROOT))) {
                        return p;
                    }
                }
            }
            throw new InvalidConfigException(key, "must be prefer, strict or none, was '" + value + "'");
        }
    }

    /** What {@link #scope} decided. */
    enum Scope {
        /** Every candidate stays one: zones play no part. */
        ALL,
        /** Only the caller's zone's candidates. */
        OWN_ZONE,
        /** The caller's zone is overloaded: the other zones' candidates that have room. */
        SPILLED
    }

    ZoneRule {
        if (preference == null) {
            throw new InvalidConfigException("zone.preference", "must be prefer, strict or none, was null");
        }
        if (Double.isNaN(spillLoad) || spillLoad <= 0 || Double.isInfinite(spillLoad)) {
            throw new InvalidConfigException("zone.spill.load", "must be a number > 0 (requests per worker; 1.0 = every "
                    + "worker busy), was " + spillLoad);
        }
    }

    /** Which candidates the rule keeps, for a caller in {@code zone}; snapshots carry each pool's serving zone. Pure. */
    Scope scope(List<PoolSnapshot> candidates, String zone) {
        if (preference == Preference.NONE || zone == null) {
            return Scope.ALL;
        }
        int inZone = 0;
        boolean room = false;
        boolean roomElsewhere = false;
        for (int i = 0, n = candidates.size(); i < n; i++) {
            PoolSnapshot s = candidates.get(i);
            if (zone.equals(s.zone())) {
                inZone++;
                room |= hasRoom(s);
            } else {
                roomElsewhere |= hasRoom(s);
            }
        }
        if (inZone == 0 || inZone == candidates.size()) {
            return Scope.ALL;
        }
        return room || !roomElsewhere || preference == Preference.STRICT ? Scope.OWN_ZONE : Scope.SPILLED;
    }

    /** Whether {@code s} stays a candidate under {@code scope} for a caller in {@code zone}. */
    boolean keeps(Scope scope, PoolSnapshot s, String zone) {
        return switch (scope) {
            case ALL -> true;
            case OWN_ZONE -> zone.equals(s.zone());
            case SPILLED -> !zone.equals(s.zone()) && hasRoom(s);
        };
    }

    private boolean hasRoom(PoolSnapshot s) {
        return s.loadPerWorker() < spillLoad;
    }
}
