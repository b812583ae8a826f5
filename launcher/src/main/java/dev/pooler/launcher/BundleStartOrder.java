package dev.pooler.launcher;

import java.util.Comparator;
import java.util.List;

import org.osgi.framework.Bundle;

/**
 * The order in which the embedded bundles are started, by symbolic name. A bundle that no
 * line names starts with "{@code *}". The order is for a quiet start (log and configuration
 * services before their users, SPI Fly before slf4j is loaded); correctness never depends on it.
 */
final class BundleStartOrder {

    static final String GOGO_SHELL = "org.apache.felix.gogo.jline";

    private static final List<String> ORDER = List.of(
            "org.apache.aries.spifly.*",     // weaves slf4j's ServiceLoader calls: before slf4j loads a class
            "org.objectweb.asm*",
            "org.osgi.*",                    // API and utility libraries
            "slf4j.*",
            "org.glassfish.hk2.osgi-resource-locator", // JAXB finds its implementation through it (remote bundles)
            "com.sun.xml.bind.jaxb-osgi",
            "org.apache.felix.log",
            "org.apache.felix.configadmin",
            "org.apache.felix.eventadmin",
            "org.apache.felix.metatype",
            "org.apache.felix.scr",
            "dev.pooler.remote",             // writes Aries' configurations before the fastbin provider binds a port
            "dev.pooler.remote.zookeeper",   // the embedded ZooKeeper listens before Aries' client connects
            "*",                             // HTTP, Web Console, Gogo runtime, libraries
            "org.apache.felix.fileinstall",  // conf/ reaches ConfigAdmin before our components start
            "dev.pooler.*",
            GOGO_SHELL);                     // the prompt comes last, after the start banner

    static final Comparator<Bundle> COMPARATOR =
            Comparator.comparingInt((Bundle b) -> rank(b.getSymbolicName()))
                      .thenComparing(b -> String.valueOf(b.getSymbolicName()));

    private BundleStartOrder() {
    }

    static int rank(String symbolicName) {
        String name = symbolicName == null ? "" : symbolicName;
        int wildcard = ORDER.indexOf("*");
        for (int i = 0; i < ORDER.size(); i++) {
            if (matches(ORDER.get(i), name)) {
                return i;
            }
        }
        return wildcard;
    }

    private static boolean matches(String pattern, String name) {
        if (pattern.equals("*")) {
            return false;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return name.equals(prefix) || name.startsWith(prefix + ".");
        }
        if (pattern.endsWith("*")) {
            return name.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return name.equals(pattern);
    }
}
