package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/** A real Felix: one bundle resolves and starts, one cannot resolve and is reported, the start goes on. */
class EmbeddedBundlesTest {

    @TempDir
    Path dir;

    @Test
    void reportsABundleThatCannotStartWithItsReasonAndStartsTheOthers() throws Exception {
        Path classes = dir.resolve("classes");
        bundle(classes.resolve("bundles/a-good.jar"), "test.good", null);
        bundle(classes.resolve("bundles/b-broken.jar"), "test.broken", "com.example.nowhere;version=\"[1,2)\"");
        Files.writeString(classes.resolve("bundles/README.txt"), "not a bundle");

        Framework fw = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        try {
            fw.init();
            EmbeddedBundles embedded = new EmbeddedBundles(new LauncherJar(classes), err);
            List<Bundle> bundles = embedded.install(fw.getBundleContext());
            fw.start();
            int failed = embedded.start(fw.getBundleContext(), bundles);

            assertEquals(2, embedded.embedded());
            assertEquals(1, failed);
            assertEquals(Bundle.ACTIVE, bundles.get(0).getState());
            assertEquals("pooler:bundles/a-good.jar", bundles.get(0).getLocation());
            String reported = errBytes.toString(StandardCharsets.UTF_8);
            assertTrue(reported.contains("FAILED to start bundle test.broken 1.0.0"), reported);
            assertTrue(reported.contains("com.example.nowhere"), "names the missing requirement: " + reported);
        } finally {
            fw.stop();
            fw.waitForStop(10_000);
        }
    }

    private static void bundle(Path jar, String symbolicName, String imports) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        a.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        if (imports != null) {
            a.putValue(Constants.IMPORT_PACKAGE, imports);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.flush();
        }
    }
}
