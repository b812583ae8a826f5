package dev.pooler.affinity.internal;

import dev.pooler.api.InvalidConfigException;
import dev.pooler.api.affinity.SessionDataSync;
import dev.pooler.api.routing.AffinityStrength;
import java.util.Locale;
import java.util.Map;

/**
 * The checked values of configuration {@code dev.pooler.affinity}; a bad value is refused with an
 * {@link InvalidConfigException} naming its field.
 *
 * @param defaultStrength    strength of a new affinity
 * @param timeoutSeconds     an affinity unused this long expires
 * @param crossPoolMigration whether a session may move to a compatible pool
 * @param dataSync           the configured sync mode
 */
record AffinitySettings(AffinityStrength defaultStrength, long timeoutSeconds, boolean crossPoolMigration,
                        SessionDataSync dataSync) {

    static final String PID = "dev.pooler.affinity";
    static final long DEFAULT_TIMEOUT_S = 3600;
    static final AffinitySettings DEFAULTS = new AffinitySettings(AffinityStrength.NORMAL, DEFAULT_TIMEOUT_S, true,
            SessionDataSync.LAZY);

    long timeoutMillis() {
        return timeoutSeconds * 1000;
    }

    /** Reads a configuration's properties; absent ones keep their defaults. */
    static AffinitySettings from(Map<String, ?> properties) {
        Object strength = value(properties, "default_strength");
        Object timeout = value(properties, "affinity_timeout");
        Object migration = value(properties, "cross_pool_migration");
        Object sync = value(properties, "session_data_sync");
        return new AffinitySettings(
                strength == null ? DEFAULTS.defaultStrength() : strength("default_strength", strength.toString()),
                timeout == null ? DEFAULTS.timeoutSeconds() : seconds("affinity_timeout", timeout),
                migration == null ? DEFAULTS.crossPoolMigration() : bool("cross_pool_migration", migration),
                sync == null ? DEFAULTS.dataSync() : SessionDataSync.parse("session_data_sync", sync.toString()));
    }

    /** The property under its DS name ({@code affinity.timeout}) or the seed's ({@code affinity_timeout}). */
    private static Object value(Map<String, ?> properties, String field) {
        Object v = properties.get(field.replace('_', '.'));
        return v != null ? v : properties.get(field);
    }

    static AffinityStrength strength(String field, String value) {
        for (AffinityStrength s : AffinityStrength.values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw new InvalidConfigException(field, "'" + value + "' is not one of weak, normal, strong, pinned");
    }

    private static long seconds(String field, Object value) {
        long s;
        if (value instanceof Number n) {
            s = n.longValue();
        } else {
            try {
                s = Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(field, "'" + value + "' is not a whole number of seconds");
            }
        }
        if (s < 1) {
            throw new InvalidConfigException(field, "must be at least 1 second, was " + s);
        }
        return s;
    }

    private static boolean bool(String field, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigException(field, "'" + value + "' is not true or false");
        };
    }
}
