package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BundleStartOrderTest {

    @Test
    void infrastructureFirstThenTheRestThenFileInstallThenPoolerThenTheShell() {
        int spifly = BundleStartOrder.rank("org.apache.aries.spifly.dynamic.bundle");
        int log = BundleStartOrder.rank("org.apache.felix.log");
        int cm = BundleStartOrder.rank("org.apache.felix.configadmin");
        int scr = BundleStartOrder.rank("org.apache.felix.scr");
        int jetty = BundleStartOrder.rank("org.apache.felix.http.jetty12");
        int unknown = BundleStartOrder.rank("com.example.anything");
        int fileinstall = BundleStartOrder.rank("org.apache.felix.fileinstall");
        int core = BundleStartOrder.rank("dev.pooler.core.impl");
        int strategy = BundleStartOrder.rank("dev.pooler.strategies.ml");
        int shell = BundleStartOrder.rank("org.apache.felix.gogo.jline");

        assertTrue(spifly < BundleStartOrder.rank("slf4j.api"));
        assertTrue(spifly < log && log < cm && cm < scr && scr < jetty);
        assertEquals(jetty, unknown);
        assertTrue(jetty < fileinstall && fileinstall < core && core < shell);
        assertEquals(core, strategy);
        assertEquals(BundleStartOrder.rank("org.osgi.util.promise"), BundleStartOrder.rank("org.osgi.service.component"));
        assertEquals(unknown, BundleStartOrder.rank(null));
    }
}
