package dev.pooler.affinity.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration {@code dev.pooler.affinity}: the seed's {@code session_affinity} section, for the Web
 * Console's form. Property names use dots ({@code affinity.timeout=3600}); the values are read and checked
 * by {@link AffinitySettings}, which also accepts the seed's underscores.
 */
@ObjectClassDefinition(id = AffinitySettings.PID, name = "Pooler session affinity",
        description = "How firmly sessions keep their pool, how long an unused affinity lasts, and whether a session "
                + "moves to another pool when its own can no longer serve it.")
public @interface AffinityConfiguration {

    @AttributeDefinition(name = "Default strength",
            description = "Strength of a new session's affinity. weak: a hint, used while the pool has an idle worker; "
                    + "normal: leaves only when the pool refuses or is gone; strong: waits in the pool's queue; "
                    + "pinned: never leaves, fails with NO_CAPABLE_POOL when the pool is gone.",
            options = {@Option(label = "weak", value = "weak"), @Option(label = "normal", value = "normal"),
                    @Option(label = "strong", value = "strong"), @Option(label = "pinned", value = "pinned")})
    String default_strength() default "normal";

    @AttributeDefinition(name = "Affinity timeout (s)",
            description = "An affinity unused for this many seconds expires; the session is placed afresh. "
                    + "Its data stays in the session store for that store's own time to live.",
            min = "1")
    long affinity_timeout() default AffinitySettings.DEFAULT_TIMEOUT_S;

    @AttributeDefinition(name = "Cross-pool migration",
            description = "Move a session (not pinned) to a compatible pool when its own can no longer serve a request.")
    boolean cross_pool_migration() default true;

    @AttributeDefinition(name = "Session data sync",
            description = "When session data reaches the workers of a pool the session moved to. In this version the "
                    + "platform's session store ships it with the first request reaching a worker that lacks it, "
                    + "whatever the mode (see the affinity bundle's README).",
            options = {@Option(label = "eager", value = "eager"), @Option(label = "lazy", value = "lazy"),
                    @Option(label = "manual", value = "manual")})
    String session_data_sync() default "lazy";
}
