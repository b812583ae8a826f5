package dev.pooler.launcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.osgi.framework.Constants;

/** The launch properties of the framework, from the launcher's {@link Settings}. */
final class FrameworkProperties {

    static final String GOSH_HOME = "gosh.home";

    private FrameworkProperties() {
    }

    /**
     * @param systemProperties {@code -Dkey=value} overrides of any property set here, except the
     *                         console credentials (those come from POOLER_CONSOLE_* only)
     */
    static Map<String, String> of(Settings settings, PoolerHome home, ConsoleCredentials credentials,
                                  boolean interactive, Properties systemProperties) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, home.cache.toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);

        p.put("felix.fileinstall.dir", home.conf + "," + home.deploy);
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.bundles.new.start", "true");
        // Never write configurations back into conf/: a user's file must stay byte for byte
        // (with saving on, .cfg files were seen truncated to 0 bytes at start; and a
        // configuration deleted in the Web Console would delete its file).
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.log.level", "2");
        // A dropped jar must only ever refresh bundles of deploy/. With the default scope "all",
        // a jar exporting a package that ConfigAdmin imports optionally (the Coordinator API)
        // refreshes ConfigAdmin, hence FileInstall itself, from FileInstall's own scan thread:
        // a deadlock that also blocks the framework's shutdown.
        p.put("felix.fileinstall.optionalImportRefreshScope", "managed");
        p.put("felix.fileinstall.fragmentRefreshScope", "managed");

        p.put("org.osgi.service.http.port", Integer.toString(settings.httpPort));
        p.put("org.apache.felix.http.host", settings.httpHost);

        // The launcher's pools come from conf/: a request that arrives before FileInstall has read it
        // must not start a "default" pool beside them.
        p.put("pooler.default.pool", "false");
        p.put(Settings.HOME, settings.home.toString());
        p.put(Settings.PYTHON, settings.python);
        p.putAll(settings.cluster);
        if (!interactive) {
            // No terminal (CI, service, background): no prompt reading a closed stdin, and a
            // profile that does not set up line editing (Gogo's own fails without a reader).
            p.put("gosh.args", "--nointeractive");
            p.put(GOSH_HOME, home.cache.resolve("gosh").toString());
        }
        for (String key : List.copyOf(p.keySet())) {
            String override = systemProperties.getProperty(key);
            if (override != null) {
                p.put(key, override);
            }
        }

        p.put("felix.webconsole.username", credentials.user);
        p.put("felix.webconsole.password", credentials.hashedPassword());
        return p;
    }
}
