package dev.pooler.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A stock Apache Karaf: Pooler's features repository added and {@code pooler} installed exactly as the README's
 * two commands do ({@code feature:repo-add}, {@code feature:install} are these FeaturesService calls); the sample
 * pool of the feature and a pool configured through ConfigAdmin both answer from real Python workers;
 * {@code pooler-shell}'s commands run in Karaf's shell; after {@code feature:uninstall pooler} no Python worker
 * is left.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeatureIT {

    static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    @Inject
    BundleContext context;

    @Inject
    FeaturesService features;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    SessionFactory shell;

    @Configuration
    public Option[] config() {
        String karafVersion = Props.required("karaf.version");
        // Pooler's features and bundles from the folder the build filled (verify installs nothing), then Karaf's
        // own system/ folder, then the local repository; Maven Central only for what none of those holds
        // (three bundles of Karaf's scr and eventadmin features: see the pom).
        String repos = "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots,"
                + new File(Props.required("pooler.karaf.repo")).toURI() + "@id=pooler.reactor@snapshots";
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz").version(karafVersion))
                    .karafVersion(karafVersion).name("Apache Karaf")
                    .unpackDirectory(new File(Props.required("pooler.work")))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.WARN),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.defaultRepositories", repos),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.localRepository", Props.required("pooler.local.repository")),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.repositories",
                    "https://repo.maven.apache.org/maven2@id=central"),
            editConfigurationFilePut("etc/system.properties", "pooler.python", Props.required("pooler.python")),
            editConfigurationFilePut("etc/system.properties", "pooler.version", Props.required("pooler.version")),
        };
    }

    @Test
    public void featureInstallsServesAndUninstallsWithoutLeavingAProcess() throws Exception {
        URI repository = URI.create("mvn:dev.pooler/dev.pooler.features/" + Props.required("pooler.version") + "/xml/features");
        features.addRepository(repository);
        features.installFeature("pooler");
        assertTrue(features.isInstalled(features.getFeature("pooler")));

        PoolerCalls pooler = new PoolerCalls(context);
        // The feature's sample pool, written to etc/ for the user to edit: 2 workers.
        File sampleFile = new File(System.getProperty("karaf.etc"), "dev.pooler.pool-example.cfg");
        Await.until(sampleFile + " written", sampleFile::isFile, () -> List.of(new File(System.getProperty("karaf.etc")).list()));
        ProcessHandle sample = pooler.answeredByPython(pooler.running("example_pool", 2), "from the sample pool");

        // A pool of the user's own, added as a ConfigAdmin factory configuration.
        org.osgi.service.cm.Configuration mine = PoolerCalls.configurePool(configAdmin, "karaf", "karaf_pool", 1);
        ProcessHandle own = pooler.answeredByPython(pooler.running("karaf_pool", 1), "from my pool");

        // pooler-shell: the pooler:* commands in Karaf's own shell.
        features.installFeature("pooler-shell");
        String pools = run("pooler:pools");
        assertTrue(pools, pools.contains("example_pool") && pools.contains("karaf_pool"));
        String answer = run("pooler:exec karaf_pool echo '{\"from\":\"the karaf shell\"}'");
        assertTrue(answer, answer.contains("the karaf shell") && answer.contains("karaf_pool"));

        List<ProcessHandle> before = Workers.alive();
        assertEquals("2 + 1 workers under Karaf: " + Workers.pids(before), 3, before.size());
        assertTrue(before.contains(sample) && before.contains(own));

        // feature:uninstall, without refreshing the test's own bundle (wired to the API it used).
        features.uninstallFeature("pooler-shell", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        features.uninstallFeature("pooler", EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        assertFalse(features.isInstalled(features.getFeature("pooler")));
        Await.until("no Python worker left after the uninstall", () -> Workers.allPooler().isEmpty(),
                () -> Workers.pids(Workers.allPooler()));
        for (ProcessHandle h : before) {
            assertFalse("worker " + h.pid() + " still runs", Workers.running(h));
        }
        mine.delete();
    }

    /** Runs a command in a Karaf shell session; what it returned and printed. */
    private String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Session session = shell.create(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object result = session.execute(command);
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result);
        } finally {
            session.close();
        }
    }
}
