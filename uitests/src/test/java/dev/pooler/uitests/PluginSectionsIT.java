package dev.pooler.uitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sections plug-ins add to the Pools page, in a real browser against the real launcher: the
 * affinity bundle's sessions table (sessions made over the HTTP API appear with their pool; the "Pin"
 * form pins one) and core's adapters section (the example adapter bundle dropped into {@code deploy/}
 * and a pool configured with it: the page shows the pool running it at its version).
 */
class PluginSectionsIT {

    static Path out;
    static PoolerProcess pooler;
    static ConsoleBrowser browser;
    static ChromeDriver driver;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(PoolsPageIT.CHROMIUM)) {
            assertTrue(System.getenv("CI") == null, PoolsPageIT.NO_BROWSER + "; CI must have it");
            return;
        }
        out = Path.of(System.getProperty("uitests.output", "target")).toAbsolutePath();
        Files.createDirectories(out);
        pooler = PoolerProcess.startWithDefaultPools(out, "sections");
        browser = ConsoleBrowser.open(pooler, out, "sections");
        driver = browser.driver;
        wait = browser.wait;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (pooler != null) {
                pooler.close();
            }
        }
    }

    static List<List<String>> rows(String section, int index) {
        return browser.rows(section, index);
    }

    @Test
    void sessionsAreListedWithTheirPoolAndOneIsPinnedFromThePage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PoolsPageIT.CHROMIUM), PoolsPageIT.NO_BROWSER);
        wait.until(d -> !d.findElements(By.cssSelector("[data-section='affinity']")).isEmpty());
        for (int s = 0; s < 3; s++) {
            HttpResponse<String> r = pooler.post("/pooler/api/execute", "application/json",
                    "{\"command\":\"create_program\",\"session\":\"page-s" + s + "\",\"args\":{\"id\":\"p1\",\"signature\":\"q -> a\"}}");
            assertEquals(200, r.statusCode(), r.body());
        }
        wait.until(d -> rows("affinity", 0).stream().filter(r -> r.get(0).startsWith("page-s")).count() == 3);
        List<String> row = rows("affinity", 0).stream().filter(r -> r.get(0).equals("page-s1")).findFirst().orElseThrow();
        String pool = row.get(1);
        assertEquals("normal", row.get(2), row.toString());

        WebElement form = driver.findElement(By.cssSelector("[data-section='affinity'] form[data-action='pin_session']"));
        form.findElement(By.name("session")).sendKeys("page-s1");
        form.findElement(By.name("pool")).sendKeys(pool);
        form.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElement(By.id("action-message")).getText().contains("session page-s1 is pinned to pool " + pool));
        wait.until(d -> rows("affinity", 0).stream().anyMatch(r -> r.get(0).equals("page-s1") && r.get(2).equals("pinned")));
    }

    @Test
    void anAdapterBundleDroppedIntoDeployShowsWithItsVersionForThePoolThatRunsIt() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PoolsPageIT.CHROMIUM), PoolsPageIT.NO_BROWSER);
        Path example = Path.of(System.getProperty("pooler.sentiment", "pooler.sentiment is not set"));
        assertTrue(Files.isRegularFile(example), "the example adapter bundle was built: " + example);
        Files.copy(example, pooler.home.resolve("deploy").resolve(example.getFileName()));
        Files.writeString(pooler.home.resolve("conf").resolve("dev.pooler.pool-moods.cfg"), "pool.id=moods\nsize=1\nadapter=sentiment\n");
        wait.until(d -> rows("adapters", 1).stream().anyMatch(r -> r.get(0).equals("moods")
                && r.get(2).equals("sentiment 1.0.0") && r.get(3).equals("serving")));
        List<String> adapter = rows("adapters", 0).stream().filter(r -> r.get(0).equals("sentiment")).findFirst().orElseThrow();
        assertEquals("active", adapter.get(2), adapter.toString());
        assertEquals("moods", adapter.get(5), adapter.toString());
        HttpResponse<String> r = pooler.post("/pooler/api/execute", "application/json",
                "{\"command\":\"classify\",\"pool\":\"moods\",\"args\":{\"text\":\"I love how fast it is\"}}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"label\":\"positive\""), r.body());
    }
}
