package dev.pooler.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The shipped alert rules are valid and each behaves as its test in pooler-alerts.test.yml says ({@code promtool}). */
class PrometheusRulesTest {

    @Test
    void theAlertRulesAreValid() throws Exception {
        assertTrue(Files.isRegularFile(PrometheusTools.RULES_DIR.resolve("pooler-alerts.yml")), PrometheusTools.RULES_DIR.toString());
        PrometheusTools.Result r = PrometheusTools.run(PrometheusTools.RULES_DIR, null,
                PrometheusTools.command("promtool", "check", "rules", "pooler-alerts.yml").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS: 8 rules found"), r.output());
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsTestSays() throws Exception {
        PrometheusTools.Result r = PrometheusTools.run(PrometheusTools.RULES_DIR, null,
                PrometheusTools.command("promtool", "test", "rules", "pooler-alerts.test.yml").toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }
}
