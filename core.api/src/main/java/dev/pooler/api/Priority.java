package dev.pooler.api;

/** A pool's priority for resource allocation (the seed's {@code :high | :medium | :low}). */
public enum Priority {
    HIGH, MEDIUM, LOW;

    public static Priority parse(String field, String value) {
        return Enums.parse(Priority.class, field, value);
    }
}
