package dev.pooler.api.affinity;

import dev.pooler.api.InvalidConfigException;
import java.util.Locale;

/**
 * When a session's data reaches the workers of the pool it moved to (configuration {@code session_data_sync}).
 * The data itself lives in the platform's {@link dev.pooler.api.session.SessionStore}, never in one pool, and
 * core ships the current version with the first request that reaches a worker lacking it, whatever the
 * mode; see the affinity bundle's README for what each mode adds today.
 */
public enum SessionDataSync {
    /** Pushed to the target pool when the affinity changes. */
    EAGER,
    /** Sent with the first request that reaches a worker lacking the current version (the seed's default). */
    LAZY,
    /** Only on an explicit sync call. */
    MANUAL;

    /** The mode named by {@code value} ({@code eager}, {@code lazy}, {@code manual}, any case). */
    public static SessionDataSync parse(String field, String value) {
        if (value != null) {
            for (SessionDataSync s : values()) {
                if (s.name().equalsIgnoreCase(value.trim())) {
                    return s;
                }
            }
        }
        throw new InvalidConfigException(field, "'" + value + "' is not one of eager, lazy, manual");
    }

    /** The configuration value, e.g. {@code lazy}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
