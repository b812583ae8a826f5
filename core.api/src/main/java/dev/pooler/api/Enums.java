package dev.pooler.api;

import java.util.Arrays;
import java.util.Locale;

final class Enums {
    private Enums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(field, "missing; expected one of " + names(type));
        }
        String v = value.trim();
        if (v.startsWith(":")) {
            v = v.substring(1);
        }
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(field, "unknown value '" + value + "'; expected one of " + names(type));
        }
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList().toString();
    }
}
