package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Live traffic in a real browser: a request through the gateway appears on the page as metadata, and pause holds it. */
class LiveTrafficBrowserTest {
    static final String CANARY = "canary-live-browser-91c2-never-shown";

    @TempDir
    static Path dir;
    @TempDir
    Path profile;
    static FakeUpstream upstream;
    static ConsoleFixture console;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        console = ConsoleFixture.start(dir, "models:\n" + TestGateway.model("m", upstream, "local"));
    }

    @AfterAll
    static void stop() {
        console.close();
        upstream.close();
    }

    private static String status(Browser b) {
        return b.driver.findElement(By.id("live-status")).getDomAttribute("data-state");
    }

    private static int rows(Browser b) {
        return b.driver.findElements(By.cssSelector("#live-rows tr")).size();
    }

    @Test
    void aRequestAppearsLiveWithoutItsTextAndPauseHoldsTheNextOne() throws Exception {
        String user = console.createKey(Role.USER, "acme", "browser user");
        String userId = console.keyIdOf(user);
        try (Browser b = Browser.open(profile, 1280, 800)) {
            ConsoleBrowserTest.loginAt(b, console, console.adminKey);
            b.get(console.origin() + "/live");
            WebDriverWait wait = new WebDriverWait(b.driver, Duration.ofSeconds(20));
            wait.until(d -> "live".equals(status(b)));
            assertThat(LiveStreamHttpTest.chat(console, user, "m", CANARY)).isEqualTo(200);
            wait.until(d -> rows(b) == 1);
            String row = b.driver.findElement(By.cssSelector("#live-rows tr")).getText();
            assertThat(row).contains(userId).contains("browser user").contains("acme").contains("m").contains("200");
            assertThat(b.driver.getPageSource()).doesNotContain(CANARY);

            b.driver.findElement(By.id("live-pause")).click();
            assertThat(status(b)).isEqualTo("paused");
            assertThat(b.driver.findElement(By.id("live-pause")).getDomAttribute("aria-pressed")).isEqualTo("true");
            assertThat(LiveStreamHttpTest.chat(console, user, "m", CANARY)).isEqualTo(200);
            wait.until(d -> b.driver.findElement(By.id("live-status")).getText().contains("1 new requests held"));
            assertThat(rows(b)).as("nothing is added while paused").isEqualTo(1);
            b.driver.findElement(By.id("live-pause")).click();
            wait.until(d -> rows(b) == 2);
            assertThat(status(b)).isEqualTo("live");
            assertThat(b.driver.getPageSource()).doesNotContain(CANARY);
            b.assertClean(console.origin(), "/live with events");
        }
    }
}
