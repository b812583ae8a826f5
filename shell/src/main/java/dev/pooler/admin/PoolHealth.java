package dev.pooler.admin;

import dev.pooler.api.PoolStats;

/**
 * A pool's health as the console shows it: a status word and a line saying why.
 *
 * @param status      {@code healthy}, {@code degraded}, {@code starting}, {@code recovering}, {@code down}
 * @param detail      a short explanation
 * @param successRate answered with a result over answered, 0..1 (1 when nothing was answered yet)
 */
public record PoolHealth(String status, String detail, double successRate) {

    /** Judges a pool from its stats and configured size. */
    public static PoolHealth of(PoolStats s, int size) {
        long answered = s.completed() + s.failed();
        double success = answered == 0 ? 1.0 : (double) s.completed() / answered;
        // Own workers alive: those serving it, minus borrowed ones, plus its own lent elsewhere.
        int own = s.workers() - s.borrowed() + s.lent();
        return switch (s.state()) {
            case FAILED -> new PoolHealth("down", "workers crashed in a loop past the restart limit; it probes again by itself", success);
            case RECOVERING -> new PoolHealth("recovering", "probing with one worker after a failure", success);
            case STOPPING, STOPPED -> new PoolHealth("down", "stopped", success);
            case STARTING -> new PoolHealth("starting", own + " of " + size + " workers up", success);
            case RUNNING -> own < size
                    ? new PoolHealth("degraded", own + " of " + size + " workers up", success)
                    : success < 0.9 && answered >= 20
                        ? new PoolHealth("degraded", Math.round(100 * (1 - success)) + "% of requests failed", success)
                        : new PoolHealth("healthy", own + " of " + size + " workers up", success);
        };
    }
}
