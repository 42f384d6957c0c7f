package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console in a real browser: every page as admin and auditor at desktop and phone sizes, keyboard use, XSS. */
class ConsoleBrowserTest {
    static final String CANARY = "canary-console-5d1e-never-shown";
    static final List<String> PAGES = List.of("/", "/keys", "/usage", "/policy", "/models", "/privacy", "/live", "/audit");

    @TempDir
    static Path dir;
    @TempDir
    Path profile;
    static FakeUpstream upstream;
    static ConsoleFixture console;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start();
        console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n" + ModelFixtures.yaml(dir)
                + TestGateway.model("m", upstream, "local") + TestGateway.model("c", upstream, "cloud"));
        console.withLedger(java.time.Clock.systemUTC(), ledger -> {
            var census = new dev.bastion.privacy.ledger.LedgerId("census", "row");
            ledger.setTotal(census, new dev.bastion.privacy.ledger.Budget(3, 1e-6));
            ledger.charge(census, "count by region", List.of(new dev.bastion.privacy.accounting.PrivacyEvent.PureDp(0.5)));
        });
        String user = console.createKey(Role.USER, "default", "traffic");
        for (String model : List.of("m", "c", "nope")) {
            HttpResponse<String> res = ConsoleFixture.HTTP.send(HttpRequest.newBuilder(URI.create(console.apiUrl()
                    + "/v1/chat/completions")).header("Authorization", "Bearer " + user)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat(model, "hello " + CANARY, false))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(model).isIn(200, 400, 404);
        }
    }

    @AfterAll
    static void stop() {
        console.close();
        upstream.close();
    }

    static void login(Browser b, String key) {
        loginAt(b, console, key);
    }

    /** Logs in through the login form, typing the key and pressing Enter. */
    static void loginAt(Browser b, ConsoleFixture at, String key) {
        b.get(at.origin() + "/login");
        b.driver.findElement(By.id("key")).sendKeys(key + Keys.ENTER);
        new WebDriverWait(b.driver, Duration.ofSeconds(10)).withMessage(() -> "login ended at " + b.driver.getCurrentUrl())
                .until(d -> d.getCurrentUrl().equals(at.origin() + "/"));
        b.settle();
    }

    @Test
    void everyPageAsAdminAndAuditorAtDesktopAndPhoneSizesIsCleanAndAccessible() {
        String auditor = console.createKey(Role.AUDITOR, "default", "auditor");
        for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
            for (String[] who : new String[][] {{"admin", console.adminKey}, {"auditor", auditor}}) {
                try (Browser b = Browser.open(profile.resolve(who[0] + size[0]), size[0], size[1])) {
                    b.get(console.origin() + "/login");
                    b.assertClean(console.origin(), "/login at " + size[0]);
                    login(b, who[1]);
                    for (String page : PAGES) {
                        b.get(console.origin() + page);
                        String what = page + " as " + who[0] + " at " + size[0] + "x" + size[1];
                        b.assertClean(console.origin(), what);
                        assertThat(b.driver.getPageSource()).as(what).doesNotContain(CANARY);
                        b.screenshot(Path.of("target", "console-pages", who[0] + "-" + size[0] + "x" + size[1]
                                + (page.equals("/") ? "-overview" : page.replace('/', '-')) + ".png"));
                    }
                    b.get(console.origin() + "/keys");
                    assertThat(b.driver.findElements(By.cssSelector("form[action='/keys']")).isEmpty())
                            .isEqualTo(who[0].equals("auditor"));
                }
            }
        }
    }

    @Test
    void aKeyIsCreatedAndRevokedByKeyboardAlone() {
        try (Browser b = Browser.open(profile, 1280, 800)) {
            login(b, console.adminKey);
            b.get(console.origin() + "/keys");
            tabTo(b, "input#label");
            b.driver.switchTo().activeElement().sendKeys("made by keyboard");
            tabTo(b, "form[action='/keys'] button[type=submit]");
            b.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> !d.findElements(By.id("new-key")).isEmpty());
            String secret = b.driver.findElement(By.id("new-key")).getText();
            String id = console.keyIdOf(secret);
            tabTo(b, "main a[href='/keys']");
            b.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/keys"));
            b.settle();
            tabTo(b, "button[aria-label='Revoke " + id + "']");
            b.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/keys?done=revoked"));
            assertThat(console.gateway.keys().authenticate(secret)).isEmpty();
            assertThat(console.gateway.keys().find(id).orElseThrow().revokedAt()).isPresent();
            assertThat(b.cspViolations()).isEmpty();
        }
    }

    /** Presses Tab until the focused element matches {@code css}; fails after 80 presses. */
    private static void tabTo(Browser b, String css) {
        WebElement target = b.driver.findElement(By.cssSelector(css));
        for (int i = 0; i < 80; i++) {
            if (b.driver.switchTo().activeElement().equals(target)) {
                return;
            }
            new Actions(b.driver).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("Tab never reached " + css);
    }

    @Test
    void filteringTheAuditLogWithHtmxSwapsTheRecordsUnderTheContentSecurityPolicy() {
        try (Browser b = Browser.open(profile, 1280, 800)) {
            login(b, console.adminKey);
            b.get(console.origin() + "/audit");
            b.driver.executeScript("window.sameDocument = true");
            b.driver.findElement(By.id("f-type")).sendKeys("admin");
            b.driver.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("type=admin"));
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#records tbody tr"))
                    .stream().allMatch(tr -> tr.findElements(By.tagName("td")).get(2).getText().equals("admin")));
            assertThat(b.driver.findElements(By.cssSelector("#records tbody tr"))).isNotEmpty();
            assertThat((Boolean) b.driver.executeScript("return window.sameDocument === true"))
                    .as("htmx swapped the records into the same document (no full page load)").isTrue();
            assertThat(b.driver.findElements(By.cssSelector("button.verify")).getFirst().isDisplayed())
                    .as("the swapped-in verify buttons are shown").isTrue();
            assertThat(b.cspViolations()).isEmpty();
            assertThat(b.consoleErrors()).isEmpty();
        }
    }

    @Test
    void aRequestsDecisionRecordIsExplainedAndItsProofVerifiesInTheBrowser() {
        long index = -1;
        String requestId = "";
        for (long i = console.gateway.auditLog().size() - 1; i >= 0 && index < 0; i--) {
            String record = new String(console.gateway.auditLog().record(i), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"request_id\":\"(req_[0-9a-f]{24})\"").matcher(record);
            if (record.contains("\"type\":\"request\"") && m.find()) {
                index = i;
                requestId = m.group(1);
            }
        }
        assertThat(index).as("a request record").isNotNegative();
        try (Browser b = Browser.open(profile, 390, 844)) {
            login(b, console.adminKey);
            b.get(console.origin() + "/audit");
            b.driver.findElement(By.cssSelector("a[href='/requests?id=" + requestId + "']")).click();
            b.settle();
            assertThat(b.driver.findElement(By.tagName("h1")).getText()).contains(requestId);
            assertThat(b.driver.findElements(By.cssSelector("ol.explanation li"))).isNotEmpty();
            b.driver.findElement(By.cssSelector("button.verify[data-index='" + index + "']")).click();
            new WebDriverWait(b.driver, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("verify-status"))
                    .getDomAttribute("data-state") != null);
            assertThat(b.driver.findElement(By.id("verify-status")).getDomAttribute("data-state")).isEqualTo("verified");
            assertThat(b.driver.getPageSource()).doesNotContain(CANARY);
            b.assertClean(console.origin(), "the request page");
        }
    }

    @Test
    void scriptInAKeyLabelRendersAsText() {
        String payload = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>\"'&";
        String id = console.keyIdOf(console.createKey(Role.USER, "default", payload));
        try (Browser b = Browser.open(profile, 1280, 800)) {
            login(b, console.adminKey);
            b.get(console.origin() + "/keys");
            WebElement row = b.driver.findElement(By.xpath("//tr[td/code[text()='" + id + "']]"));
            assertThat(row.findElement(By.cssSelector("td.label")).getText()).isEqualTo(payload);
            assertThat(row.findElements(By.tagName("img"))).isEmpty();
            assertThat(row.findElements(By.tagName("script"))).isEmpty();
            assertThat(b.driver.getTitle()).isNotEqualTo("pwned");
            assertThat(b.cspViolations()).isEmpty();
            assertThat(alertShown(b)).isFalse();
        }
    }

    private static boolean alertShown(Browser b) {
        try {
            b.driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    @Test
    void aCanaryPromptAppearsOnNoPageAndInNoProofData() throws Exception {
        ConsoleFixture.Session admin = console.login(console.adminKey);
        for (String page : PAGES) {
            assertThat(console.get(page, Optional.of(admin.cookie())).body()).as(page).doesNotContain(CANARY);
        }
        long size = console.gateway.auditLog().size();
        for (long i = 0; i < size; i++) {
            HttpResponse<String> proof = console.get("/audit/proof?index=" + i, Optional.of(admin.cookie()));
            assertThat(proof.body()).as("proof of record %d", i).doesNotContain(CANARY);
            if (proof.statusCode() == 200) {
                String record = new String(java.util.Base64.getDecoder().decode(
                        dev.bastion.gateway.api.Json.MAPPER.readTree(proof.body()).path("record").asText()),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(record).as("record %d", i).doesNotContain(CANARY);
            }
        }
        assertThat(size).as("the traffic was audited").isGreaterThan(3);
    }
}
