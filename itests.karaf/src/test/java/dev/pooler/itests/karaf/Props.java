package dev.pooler.itests.karaf;

/** The system properties the build's failsafe configuration passes in. */
final class Props {

    private Props() {
    }

    static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (the build's failsafe sets it)");
        }
        return v.trim();
    }
}
