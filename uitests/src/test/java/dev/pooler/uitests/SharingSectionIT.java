package dev.pooler.uitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The worker-sharing section of the Pools page in a real browser, against the real launcher with its
 * default pools: an overload of general_pool makes it borrow, the loan appears in the "Lent workers"
 * table, and the "Return" form sends the worker home.
 */
class SharingSectionIT {

    static Path out;
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
        Path home = Files.createTempDirectory(out, "pooler-home-sharing-");
        pooler = PoolerProcess.start(jar, home, out.resolve("launcher-sharing.log"));
        pooler.await("/pooler/api/pools", o -> o.getAsJsonArray("pools").size() == 3 && o.getAsJsonArray("pools").asList().stream()
                .allMatch(p -> p.getAsJsonObject().get("state").getAsString().equals("RUNNING")), Duration.ofSeconds(120));
        System.setProperty("webdriver.chrome.driver", PoolsPageIT.CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(PoolsPageIT.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,2400", "--user-data-dir=" + Files.createTempDirectory(out, "chromium-profile-"));
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(PoolsPageIT.CHROMEDRIVER.toFile())
                .withLogFile(out.resolve("chromedriver-sharing.log").toFile()).build(), options);
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
                Files.copy(shot.toPath(), out.resolve("pools-page-sharing.png"), StandardCopyOption.REPLACE_EXISTING);
                driver.quit();
            }
        } finally {
            if (pooler != null) {
                pooler.close();
            }
        }
    }

    /** The rows of the "Lent workers" table of the sharing section, as text cells. */
    @SuppressWarnings("unchecked")
    static List<List<String>> loanRows() {
        return (List<List<String>>) driver.executeScript("var s = document.querySelector('[data-section=\"sharing\"]');"
                + "if (!s) return [];"
                + "var t = s.querySelector('.pooler-section-tables table');"
                + "return Array.from(t.querySelectorAll('tbody tr')).filter(tr => !tr.querySelector('.pooler-empty'))"
                + ".map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent));");
    }

    @Test
    void anOverloadedPoolsLoanIsListedAndReturnedFromThePage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PoolsPageIT.CHROMIUM), PoolsPageIT.NO_BROWSER);
        wait.until(d -> !d.findElements(By.cssSelector("[data-section='sharing']")).isEmpty());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = pooler.post("/pooler/api/execute", "application/json",
                                "{\"command\":\"sleep\",\"args\":{\"ms\":100},\"pool\":\"general_pool\"}");
                        if (r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        String worker;
        try {
            wait.until(d -> loanRows().stream().anyMatch(r -> r.get(2).equals("general_pool")));
            List<String> loan = loanRows().stream().filter(r -> r.get(2).equals("general_pool")).findFirst().orElseThrow();
            worker = loan.get(0);
            assertEquals("generation_pool", loan.get(1), "general_pool's lender: " + loan);
            assertTrue(loan.get(5).contains("overloaded"), loan.toString());
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }
        assertEquals(0, failed.get(), "requests failed under the load");

        WebElement form = driver.findElement(By.cssSelector("[data-section='sharing'] form[data-action='return_loan']"));
        form.findElement(By.name("worker")).sendKeys(worker);
        form.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElement(By.id("action-message")).getText().contains("is back in generation_pool"));
        wait.until(d -> loanRows().stream().noneMatch(r -> r.get(0).equals(worker)));
        JsonObject pools = pooler.json("/pooler/api/pools");
        for (JsonElement p : pools.getAsJsonArray("pools")) {
            if (p.getAsJsonObject().get("id").getAsString().equals("generation_pool")) {
                assertEquals(0, p.getAsJsonObject().get("lent").getAsInt());
            }
        }
    }
}
