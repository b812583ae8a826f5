package dev.pooler.core.impl.adapters;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the {@code Pooler-Adapter} manifest header: clauses joined by commas, each
 * {@code name;module=<python module>;version=<v>;path=<folder in the jar>}. Every attribute is
 * optional: the module defaults to the name, the version to the bundle's, the path to the jar's root.
 */
final class AdapterHeader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_.\\-/]*");

    /** One adapter a bundle offers. */
    record Clause(String name, String module, String version, String path) {
        /** The module's top-level package: the folder unpacked from {@link #path}. */
        String topPackage() {
            int dot = module.indexOf('.');
            return dot < 0 ? module : module.substring(0, dot);
        }
    }

    private AdapterHeader() {
    }

    /** The clauses of {@code header}; throws {@link IllegalArgumentException} naming what is wrong. */
    static List<Clause> parse(String header, String bundleVersion) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException("the Pooler-Adapter header is empty");
        }
        List<Clause> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String raw : header.split(",")) {
            String[] parts = raw.trim().split(";");
            String name = parts[0].trim();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Pooler-Adapter: '" + name + "' is not an adapter name (letters, digits, _)");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("Pooler-Adapter: adapter '" + name + "' is named twice");
            }
            String module = name;
            String version = bundleVersion;
            String path = "";
            for (int i = 1; i < parts.length; i++) {
                String attr = parts[i].trim();
                int eq = attr.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Pooler-Adapter: '" + attr + "' of adapter '" + name
                            + "' is not key=value");
                }
                String key = attr.substring(0, eq).trim();
                String value = unquote(attr.substring(eq + 1).trim());
                switch (key) {
                    case "module" -> module = value;
                    case "version" -> version = value;
                    case "path" -> path = value;
                    default -> throw new IllegalArgumentException("Pooler-Adapter: adapter '" + name + "' has an unknown "
                            + "attribute '" + key + "' (module, version, path)");
                }
            }
            if (!MODULE.matcher(module).matches()) {
                throw new IllegalArgumentException("Pooler-Adapter: module '" + module + "' of adapter '" + name
                        + "' is not a Python module name");
            }
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("Pooler-Adapter: adapter '" + name + "' has an empty version");
            }
            if (!PATH.matcher(path).matches() || path.contains("..")) {
                throw new IllegalArgumentException("Pooler-Adapter: path '" + path + "' of adapter '" + name
                        + "' must be a plain folder inside the jar");
            }
            out.add(new Clause(name, module, version, trimSlashes(path)));
        }
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static String trimSlashes(String p) {
        String s = p;
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
