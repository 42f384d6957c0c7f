package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver by path (Selenium downloads nothing), with a
 * fresh profile, a listener for Content-Security-Policy violations installed before any page script runs, and the
 * browser console captured. Without Chromium the tests are skipped, unless {@code BASTION_TEST_BROWSER=required}
 * (as in CI), when they fail.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String CSP_LISTENER = "window.__cspViolations = [];"
            + "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push("
            + "e.violatedDirective + ' blocked ' + e.blockedURI));";
    /** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
    static final List<String> WCAG_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser open(Path profile, int width, int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "Chromium or chromedriver is missing (apt-get install chromium chromium-driver)";
            if ("required".equals(System.getenv("BASTION_TEST_BROWSER"))) {
                Assertions.fail(message + ", and BASTION_TEST_BROWSER=required");
            }
            Assumptions.abort(message);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_LISTENER));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 600));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver);
    }

    void get(String url) {
        driver.get(url);
        settle();
    }

    void settle() {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> "complete".equals(
                ((ChromeDriver) d).executeScript("return document.readyState")));
    }

    @SuppressWarnings("unchecked")
    List<String> cspViolations() {
        Object v = driver.executeScript("return window.__cspViolations || []");
        return (List<String>) v;
    }

    /** Console messages at error level since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** Every URL this document loaded (itself and its resources). */
    @SuppressWarnings("unchecked")
    List<String> loadedUrls() {
        return (List<String>) driver.executeScript("return [location.href].concat("
                + "performance.getEntriesByType('resource').map(e => e.name))");
    }

    List<String> axeViolations() {
        Results results = new AxeBuilder().withTags(WCAG_AA).analyze(driver);
        return results.getViolations().stream().map(Browser::describe).toList();
    }

    private static String describe(Rule r) {
        return r.getId() + " (" + r.getImpact() + "): " + r.getHelp() + " at " + r.getNodes().stream()
                .map(n -> String.valueOf(n.getTarget())).collect(Collectors.joining(", "));
    }

    /** The page is clean: no CSP violation, no console error, nothing loaded from another origin, no axe violation. */
    void assertClean(String origin, String what) {
        assertThat(cspViolations()).as("CSP violations on " + what).isEmpty();
        assertThat(consoleErrors()).as("console errors on " + what).isEmpty();
        assertThat(loadedUrls()).as("requests of " + what).isNotEmpty().allMatch(u -> u.startsWith(origin + "/"));
        assertThat(axeViolations()).as("axe-core WCAG 2.2 AA violations on " + what).isEmpty();
    }

    /** The viewport as a PNG. */
    byte[] png() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
