package dev.pooler.api.affinity;

import dev.pooler.api.RequestPriority;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@link CrossPoolSessionManager#executeInSession}.
 *
 * @param selector which pool runs the request
 * @param priority the request's priority
 * @param timeout  a timeout overriding the pool's, or {@code null}
 */
public record SessionOptions(PoolSelector selector, RequestPriority priority, Duration timeout) {

    /** {@code affinity_aware}, normal priority, the pool's timeout. */
    public static final SessionOptions DEFAULT = new SessionOptions(PoolSelector.AFFINITY_AWARE, RequestPriority.NORMAL, null);

    public SessionOptions {
        Objects.requireNonNull(selector, "selector");
        priority = priority == null ? RequestPriority.NORMAL : priority;
    }

    public static SessionOptions selector(PoolSelector selector) {
        return new SessionOptions(selector, RequestPriority.NORMAL, null);
    }
}
