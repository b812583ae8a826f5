package dev.pooler.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Eclipse Equinox (Pax Exam's native container finds {@code org.eclipse.osgi} on the class path) with the bundle
 * list the README gives for a bare framework: DS, ConfigAdmin, Gson, core.api, core.impl, the strategies, and
 * no Event Admin, which Pooler needs not. A configured pool answers from a real Python worker; stopping
 * core.impl leaves no Python process.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EquinoxIT {

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(cleanCaches(true));
        options.add(frameworkProperty("pooler.python").value(Props.required("pooler.python")));
        for (String p : Props.required("pooler.equinox.bundles").split(",")) {
            if (!p.isBlank()) {
                Path f = Path.of(p.trim());
                if (!Files.isRegularFile(f)) {
                    throw new IllegalStateException("bundle " + f + " does not exist: build the reactor first");
                }
                options.add(bundle(f.toUri().toString()).start());
            }
        }
        return options.toArray(Option[]::new);
    }

    @Test
    public void coreBundlesServeARequestInEquinoxWithoutEventAdmin() throws Exception {
        assertEquals("org.eclipse.osgi", context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getSymbolicName());
        assertNull("no Event Admin in this framework", context.getServiceReference("org.osgi.service.event.EventAdmin"));
        Bundle impl = Arrays.stream(context.getBundles())
                .filter(b -> "dev.pooler.core.impl".equals(b.getSymbolicName())).findFirst().orElseThrow();
        assertEquals("core.impl active without Event Admin", Bundle.ACTIVE, impl.getState());

        PoolerCalls.configurePool(configAdmin, "equinox", "equinox_pool", 2);
        PoolerCalls pooler = new PoolerCalls(context);
        ProcessHandle worker = pooler.answeredByPython(pooler.running("equinox_pool", 2), "from Equinox");
        assertEquals(2, Workers.alive().size());

        impl.stop();
        Await.until("no Python worker left once core.impl stopped", () -> Workers.allPooler().isEmpty(),
                () -> Workers.pids(Workers.allPooler()));
        assertFalse(Workers.running(worker));
    }
}
