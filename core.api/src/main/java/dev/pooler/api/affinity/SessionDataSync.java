package dev.pooler.api.affinity;

import dev.pooler.api.InvalidConfigException;
import java.util.Locale;

/**
 * When a session's data reaches the workers of another pool (configuration {@code session_data_sync}). The data
 * itself lives in the platform's {@link dev.pooler.api.session.SessionStore}, never in one pool; inside a pool
 * core ships the current version with a request that reaches a worker lacking it, whatever the mode (see
 * {@link dev.pooler.api.session.SessionSync}).
 */
public enum SessionDataSync {
    /**
     * As {@link #LAZY}, and pushed to every ready worker of the pool a session's affinity is set on or moves to,
     * when it does (a new session's first answer, {@code establishAffinity}, a migration).
     */
    EAGER,
    /** Sent with the first request that reaches a worker lacking the current version (the seed's default). */
    LAZY,
    /**
     * A pool receives a session's data only when the session began there or
     * {@link CrossPoolSessionManager#syncSession} put it there; a request reaching another pool fails with
     * {@code BAD_REQUEST} naming the sync call. A new session keeps the pool that ran its first request.
     */
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
