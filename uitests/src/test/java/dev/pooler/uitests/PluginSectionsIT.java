package dev.pooler.uitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sections plug-ins add to the Pools page, in a real browser against the real launcher: the
 * affinity bundle's sessions table (sessions made over the HTTP API appear with their pool; the "Pin"
 * form pins one) and core's adapters section (the example adapter bundle dropped into {@code deploy/}
 * and a pool configured with it: the page shows the pool running it at its version).
 */
class PluginSectionsIT {

    static Path out;
    static Path home;
    static PoolerProcess pooler;
    static ChromeDriver driver;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(PoolsPageIT.CHROMIUM)) {
            assertTrue(System.getenv("CI") == null, PoolsPageIT.NO_BROWSER + "; CI must have it");
            return;
        }
        Path jar = Path.of(System.getProperty("pooler.jar", "../launcher/target/pooler.jar")).toAbsolutePath().normalize();
        out = Path.of(System.getProperty("uitests.output", "target")).toAbsolutePath();
        Files.createDirectories(out);
        home = Files.createTempDirectory(out, "pooler-home-sections-");
        pooler = PoolerProcess.start(jar, home, out.resolve("launcher-sections.log"));
        pooler.await("/pooler/api/pools", o -> o.getAsJsonArray("pools").size() == 3 && o.getAsJsonArray("pools").asList().stream()
                .allMatch(p -> p.getAsJsonObject().get("state").getAsString().equals("RUNNING")), Duration.ofSeconds(120));
        System.setProperty("webdriver.chrome.driver", PoolsPageIT.CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(PoolsPageIT.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,2400", "--user-data-dir=" + Files.createTempDirectory(out, "chromium-profile-"));
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(PoolsPageIT.CHROMEDRIVER.toFile())
                .withLogFile(out.resolve("chromedriver-sections.log").toFile()).build(), options);
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", pooler.authorization())));
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(pooler.base() + "/system/console/pooler");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (driver != null) {
                File shot = driver.getScreenshotAs(OutputType.FILE);
                Files.copy(shot.toPath(), out.resolve("pools-page-sections.png"), StandardCopyOption.REPLACE_EXISTING);
                driver.quit();
            }
        } finally {
            if (pooler != null) {
                pooler.close();
            }
        }
    }

    /** The rows of a section's table (its {@code index}-th), as text cells. */
    @SuppressWarnings("unchecked")
    static List<List<String>> rows(String section, int index) {
        return (List<List<String>>) driver.executeScript("var s = document.querySelector('[data-section=\"' + arguments[0] + '\"]');"
                + "if (!s) return [];"
                + "var t = s.querySelectorAll('.pooler-section-tables table')[arguments[1]];"
                + "if (!t) return [];"
                + "return Array.from(t.querySelectorAll('tbody tr')).filter(tr => !tr.querySelector('.pooler-empty'))"
                + ".map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent));", section, index);
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
        Files.copy(example, home.resolve("deploy").resolve(example.getFileName()));
        Files.writeString(home.resolve("conf").resolve("dev.pooler.pool-moods.cfg"), "pool.id=moods\nsize=1\nadapter=sentiment\n");
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
