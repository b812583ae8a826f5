package dev.pooler.uitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console page "Pools" in a real browser: headless Chromium against the real launcher with the
 * three default pools and one pool whose specialization is markup.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolsPageIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String MARKUP = "<img src=x onerror=alert(1)>";
    static final List<String> DEFAULT_POOLS = List.of("general_pool", "embedding_pool", "generation_pool");

    static Path out;
    static PoolerProcess pooler;
    static ChromeDriver driver;
    static WebDriverWait wait;
    static Path home;

    static final String NO_BROWSER = "SKIPPED: /usr/bin/chromium is absent: the browser tests of the Pools page need it "
            + "(apt-get install -y chromium chromium-driver)";

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            // CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
            assertTrue(System.getenv("CI") == null, NO_BROWSER + "; CI must have it");
            System.err.println("[uitests] " + NO_BROWSER);
            return;
        }
        assertTrue(Files.isExecutable(CHROMEDRIVER), "/usr/bin/chromium is there but /usr/bin/chromedriver is not: "
                + "apt-get install -y chromium-driver");
        Path jar = Path.of(System.getProperty("pooler.jar", "../launcher/target/pooler.jar")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), "no launcher jar at " + jar + ": build the launcher module first");
        out = Path.of(System.getProperty("uitests.output", "target")).toAbsolutePath();
        Files.createDirectories(out);

        home = Files.createTempDirectory(out, "pooler-home-");
        Path conf = Files.createDirectories(home.resolve("conf"));
        // The launcher seeds its default pools into a new conf/ only; this one is new but not empty,
        // so it gets the shipped defaults here, next to the extra pool.
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().startsWith("defaults/conf/") && e.getName().endsWith(".cfg")) {
                    try (java.io.InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, conf.resolve(e.getName().substring("defaults/conf/".length())));
                    }
                }
            }
        }
        Files.writeString(conf.resolve("dev.pooler.pool-markup_pool.cfg"), String.join("\n",
                "# A pool whose specialization is markup: the console must show it as text.",
                "pool.id=markup_pool",
                "pool.type=specialized",
                "size=1",
                "specialization=" + MARKUP,
                "capabilities=markup_only",
                "adapter=bench", ""));
        pooler = PoolerProcess.start(jar, home, out.resolve("launcher.log"));
        pooler.await("/pooler/api/pools", PoolsPageIT::allPoolsRunning, Duration.ofSeconds(120));

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1800",
                "--user-data-dir=" + Files.createTempDirectory(out, "chromium-profile-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .withLogFile(out.resolve("chromedriver.log").toFile())
                .build();
        driver = new ChromeDriver(service, options);
        // HTTP Basic for every request of the page (the page itself, its script, data.json, actions),
        // set through the DevTools protocol: no credentials in URLs.
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", pooler.authorization())));
        // The page redraws its tables every 2 s: an element found a moment ago may be gone.
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(pooler.base() + "/system/console/pooler");
    }

    @BeforeEach
    void needsTheBrowser() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), NO_BROWSER);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (driver != null) {
                screenshot("pools-page.png");
                driver.quit();
            }
        } finally {
            if (pooler != null) {
                pooler.close();
            }
        }
    }

    static boolean allPoolsRunning(JsonObject o) {
        List<JsonObject> pools = StreamSupport.stream(o.getAsJsonArray("pools").spliterator(), false)
                .map(JsonElement::getAsJsonObject).toList();
        return pools.size() >= 4 && pools.stream().allMatch(p -> p.get("state").getAsString().equals("RUNNING"));
    }

    @Test
    @Order(1)
    void showsTheThreePoolsWithLiveNumbers() throws Exception {
        for (String id : DEFAULT_POOLS) {
            wait.until(d -> !d.findElements(By.cssSelector("#pools-table tr[data-pool='" + id + "']")).isEmpty());
        }
        Map<String, Integer> sizes = Map.of("general_pool", 8, "embedding_pool", 4, "generation_pool", 6);
        for (String id : DEFAULT_POOLS) {
            List<String> cells = row(id);
            assertEquals("RUNNING", cells.get(2), id + " state");
            assertEquals(String.valueOf(sizes.get(id)), cells.get(3), id + " size");
            assertEquals("default", cells.get(15), id + " zone (a node given no POOLER_ZONE)");
            assertEquals("1", cells.get(16), id + " pipeline depth");
            wait.until(d -> row(id).get(4).equals(String.valueOf(sizes.get(id))));
            wait.until(d -> row(id).get(13).equals("healthy"));
        }
        int before = Integer.parseInt(row("general_pool").get(10));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = pooler.post("/pooler/api/execute", "application/json",
                    "{\"command\":\"echo\",\"args\":{\"i\":" + i + "},\"pool\":\"general_pool\"}");
            assertEquals(200, r.statusCode(), r.body());
        }
        // The page refreshes itself: the new count appears without a reload.
        wait.until(d -> Integer.parseInt(row("general_pool").get(10)) >= before + 3);
        // Every worker is listed with its pid and owner.
        wait.until(d -> d.findElements(By.cssSelector("#workers-table tbody tr")).size() >= 8 + 4 + 6 + 1);
        // The chart draws a line per pool from the sampled history.
        wait.until(d -> !d.findElements(By.cssSelector("#chart svg polyline")).isEmpty());
        // The routed requests are among the last routing decisions.
        wait.until(d -> d.findElements(By.cssSelector("#decisions-table tbody tr")).stream()
                .anyMatch(tr -> tr.getText().contains("echo")));
        screenshot("pools-live.png");
    }

    @Test
    @Order(2)
    void switchesTheStrategyIntoConfigAdmin() throws Exception {
        wait.until(d -> !d.findElement(By.id("strategy-active")).getText().startsWith("\u2026"));
        String active = driver.findElement(By.id("strategy-active")).getText();
        Select select = new Select(driver.findElement(By.id("strategy-select")));
        wait.until(d -> select.getOptions().size() >= 2);
        String target = select.getOptions().stream().map(WebElement::getText)
                .filter(s -> !s.equals(active)).filter(s -> s.equals("round_robin")).findFirst()
                .orElseGet(() -> select.getOptions().stream().map(WebElement::getText).filter(s -> !s.equals(active))
                        .findFirst().orElseThrow());
        assertNotEquals(active, target);
        select.selectByVisibleText(target);
        driver.findElement(By.id("strategy-apply")).click();
        wait.until(d -> d.findElement(By.id("action-message")).getText().contains("strategy set to " + target));
        wait.until(d -> d.findElement(By.id("strategy-active")).getText().equals(target));

        // In ConfigAdmin: through the page's JSON (read back from ConfigAdmin) and through the console's
        // own configuration manager, which renders the form of dev.pooler.loadbalancing.
        JsonObject data = pooler.json("/system/console/pooler/data.json");
        assertEquals(target, data.getAsJsonObject("strategy").get("stored").getAsString());
        HttpResponse<String> config = pooler.post("/system/console/configMgr/dev.pooler.loadbalancing",
                "application/x-www-form-urlencoded", "post=true");
        assertEquals(200, config.statusCode(), config.body());
        JsonObject form = JsonParser.parseString(config.body()).getAsJsonObject();
        assertEquals("Pooler load balancing", form.get("title").getAsString());
        JsonObject strategy = form.getAsJsonObject("properties").getAsJsonObject("strategy");
        assertEquals(target, strategy.get("value").getAsString());
        assertEquals("Strategy", strategy.get("name").getAsString());

        // And in the launcher's conf/ file, so the switch outlives a restart of the platform.
        assertTrue(Files.readAllLines(home.resolve("conf/dev.pooler.loadbalancing.cfg")).contains("strategy=" + target),
                "conf/dev.pooler.loadbalancing.cfg says strategy=" + target);
    }

    @Test
    @Order(3)
    void rebalancesOnRequest() {
        driver.findElement(By.id("rebalance")).click();
        wait.until(d -> d.findElement(By.id("action-message")).getText().toLowerCase().contains("rebalanc"));
        String message = driver.findElement(By.id("action-message")).getText();
        assertFalse(driver.findElement(By.id("action-message")).getAttribute("class").contains("pooler-error"), message);
    }

    @Test
    @Order(4)
    void showsMarkupAsText() {
        wait.until(d -> !d.findElements(By.cssSelector("#pools-table tr[data-pool='markup_pool']")).isEmpty());
        assertEquals(MARKUP, row("markup_pool").get(14), "the specialization, shown literally");
        assertTrue(driver.findElements(By.cssSelector("#pooler img")).isEmpty(), "no img element was created");
        Object injected = driver.executeScript("return document.querySelectorAll('img[src=\"x\"]').length;");
        assertEquals(0L, injected);
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
    }

    @Test
    @Order(5)
    void configurationPageDrawsTheForms() throws IOException {
        driver.get(pooler.base() + "/system/console/configMgr");
        wait.until(d -> d.getPageSource().contains("Pooler load balancing") && d.getPageSource().contains("Pooler pool"));
        driver.get(pooler.base() + "/system/console/configMgr/dev.pooler.loadbalancing");
        wait.until(d -> !d.findElements(By.cssSelector("input[name='rebalance.interval'], [name='rebalance.interval']")).isEmpty());
        screenshot("configuration-loadbalancing.png");
        driver.get(pooler.base() + "/system/console/pooler");
        wait.until(d -> !d.findElements(By.cssSelector("#pools-table tr[data-pool]")).isEmpty());
    }

    /** The texts of a pool's row, read in one script call (rows are redrawn every refresh). */
    @SuppressWarnings("unchecked")
    private static List<String> row(String poolId) {
        return (List<String>) driver.executeScript("return Array.from(document.querySelectorAll("
                + "'#pools-table tr[data-pool=\"' + arguments[0] + '\"] td')).map(td => td.textContent);", poolId);
    }

    private static void assertThrows(Class<? extends Throwable> type, Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(type, r::run);
    }

    static void screenshot(String name) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
