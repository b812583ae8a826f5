package dev.pooler.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the benches' {@code --name=value} options; a bad value is refused naming its option. */
public final class OptionValues {

    private OptionValues() {
    }

    /**
     * Every known option's value: its default ({@code known.get(name)[0]}), overridden by the system
     * property {@code bench.<name>}, overridden by an argument {@code --<name>=<value>}.
     *
     * @throws HelpRequested for {@code --help}
     * @throws IllegalArgumentException for an argument that is not {@code --name=value} or names no option
     */
    public static Map<String, String> read(Map<String, String[]> known, String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        known.forEach((k, d) -> v.put(k, System.getProperty("bench." + k, d[0])));
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                throw new HelpRequested();
            }
            String s = a.startsWith("--") ? a.substring(2) : a;
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + a + "' (try --help)");
            }
            String key = s.substring(0, eq);
            if (!known.containsKey(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' (try --help)");
            }
            v.put(key, s.substring(eq + 1));
        }
        return v;
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
