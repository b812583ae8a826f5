package dev.pooler.api;

/**
 * How a pool starts its worker processes ({@code launch.mode}).
 *
 * <ul>
 * <li>{@link #FORK}: forked from a template process of the pool that has already imported the runtime and the
 *     pool's adapters, so a worker (and a crashed worker's replacement) costs a fork, not an interpreter start
 *     and the imports. Falls back to {@link #SPAWN}, and says so in the log, where forking is not safe or not
 *     possible (not Linux, a template whose adapter import fails or starts threads).</li>
 * <li>{@link #SPAWN}: a fresh {@code python -m pooler_worker} per worker.</li>
 * </ul>
 */
public enum LaunchMode {
    FORK, SPAWN;

    public static LaunchMode parse(String field, String value) {
        return Enums.parse(LaunchMode.class, field, value);
    }
}
