package dev.pooler.api;



/** What kind of work a pool is for (the seed's pool types). */
public enum PoolType {
    GENERAL, EMBEDDING, CLASSIFICATION, GENERATION, REASONING, SPECIALIZED;

    /** Parses {@code general}, {@code GENERAL}, {@code :general}; names the valid values when it fails. */
    public static PoolType parse(String field, String value) {
        return Enums.parse(PoolType.class, field, value);
    }
}
