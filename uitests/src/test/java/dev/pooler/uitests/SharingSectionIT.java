package dev.pooler.uitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The worker-sharing section of the Pools page in a real browser, against the real launcher with its
 * default pools: an overload of general_pool makes it borrow, the loan appears in the "Lent workers"
 * table, and the "Return" form sends the worker home.
 */
class SharingSectionIT {

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
        pooler = PoolerProcess.startWithDefaultPools(out, "sharing");
        browser = ConsoleBrowser.open(pooler, out, "sharing");
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

    /** The rows of the "Lent workers" table of the sharing section, as text cells. */
    static List<List<String>> loanRows() {
        return browser.rows("sharing", 0);
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
