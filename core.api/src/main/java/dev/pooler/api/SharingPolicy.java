package dev.pooler.api;

/** How a pool's workers may be shared with other pools. */
public enum SharingPolicy {
    /** Never lends nor borrows. */
    STRICT,
    /** Lends idle workers; borrows when its queue overflows. */
    OVERFLOW,
    /** Lends and borrows as load shifts. */
    ADAPTIVE;

    public static SharingPolicy parse(String field, String value) {
        return Enums.parse(SharingPolicy.class, field, value);
    }
}
