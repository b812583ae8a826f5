package dev.pooler.api;

/** A request's priority in a pool's queue. Low is served less often than high, but never starved. */
public enum RequestPriority {
    HIGH, NORMAL, LOW;

    public static RequestPriority parse(String field, String value) {
        return Enums.parse(RequestPriority.class, field, value);
    }
}
