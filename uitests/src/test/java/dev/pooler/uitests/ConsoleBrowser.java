package dev.pooler.uitests;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium on a launcher's Pools page, logged in with the launcher's credentials (sent as a
 * header on every request), for the tests of the page's plug-in sections.
 */
final class ConsoleBrowser implements AutoCloseable {

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path out;
    private final String tag;

    private ConsoleBrowser(ChromeDriver driver, WebDriverWait wait, Path out, String tag) {
        this.driver = driver;
        this.wait = wait;
        this.out = out;
        this.tag = tag;
    }

    /** Opens the Pools page of {@code pooler}; logs and screenshots go to {@code out}, named after {@code tag}. */
    static ConsoleBrowser open(PoolerProcess pooler, Path out, String tag) throws Exception {
        System.setProperty("webdriver.chrome.driver", PoolsPageIT.CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(PoolsPageIT.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,2400", "--user-data-dir=" + Files.createTempDirectory(out, "chromium-profile-"));
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(PoolsPageIT.CHROMEDRIVER.toFile())
                .withLogFile(out.resolve("chromedriver-" + tag + ".log").toFile()).build(), options);
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", pooler.authorization())));
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(pooler.base() + "/system/console/pooler");
        return new ConsoleBrowser(driver, wait, out, tag);
    }

    /** The rows of the {@code index}-th table of a plug-in section ({@code data-section}), as text cells. */
    @SuppressWarnings("unchecked")
    List<List<String>> rows(String section, int index) {
        return (List<List<String>>) driver.executeScript("var s = document.querySelector('[data-section=\"' + arguments[0] + '\"]');"
                + "if (!s) return [];"
                + "var t = s.querySelectorAll('.pooler-section-tables table')[arguments[1]];"
                + "if (!t) return [];"
                + "return Array.from(t.querySelectorAll('tbody tr')).filter(tr => !tr.querySelector('.pooler-empty'))"
                + ".map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent));", section, index);
    }

    /** Keeps a screenshot ({@code pools-page-<tag>.png}) and closes the browser. */
    @Override
    public void close() throws Exception {
        try {
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), out.resolve("pools-page-" + tag + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.quit();
        }
    }
}
