package dev.pooler.bench;

import java.util.Map;

/** Reads the benches' {@code --name=value} options; a bad value is refused naming its option. */
public final class OptionValues {

    private OptionValues() {
    }

    public static int positive(Map<String, String> v, String key) {
        long n = number(v, key);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": must be a positive number, was " + v.get(key));
        }
        return (int) n;
    }

    public static long nonNegative(Map<String, String> v, String key) {
        long n = number(v, key);
        if (n < 0) {
            throw new IllegalArgumentException(key + ": must be >= 0, was " + v.get(key));
        }
        return n;
    }

    public static long number(Map<String, String> v, String key) {
        try {
            return Long.parseLong(v.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a number: '" + v.get(key) + "'");
        }
    }

    /** Thrown by an options parser for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public HelpRequested() {
            super(null, null, false, false);
        }
    }
}
