package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every page as admin and auditor at both sizes, compared with a committed PNG baseline
 * ({@code src/test/resources/baselines}) with the tolerance of {@link PngDiff}. The data is fixed (the same keys,
 * requests, models, ledger) and so is the clock; what is random in every run (key, request and audit-key ids,
 * hashes, signatures, temporary paths) is replaced on the page by placeholders of the same length before the
 * screenshot. A mismatch writes the screenshot and a diff image under {@code target/baselines/}. To write new
 * baselines after a deliberate change: {@code BASTION_UPDATE_BASELINES=1}, then look at them before committing.
 */
class PageBaselinesTest {
    static final Path BASELINES = Path.of("src", "test", "resources", "baselines");
    static final Path OUT = Path.of("target", "baselines");
    static final List<String> PAGES = List.of("/login", "/", "/keys", "/usage", "/policy", "/models", "/privacy",
            "/live", "/audit");
    /** Replaces what differs between runs by placeholders of the same length, in every text node and option. */
    static final String NORMALISE = """
            const rules = [[/key_[0-9a-f]{16}/g, m => 'key_' + '0'.repeat(16)],
              [/req_[0-9a-f]{24}/g, m => 'req_' + '0'.repeat(24)],
              [/[A-Za-z0-9+\\/]{40,}={0,2}/g, m => 'A'.repeat(m.length)],
              [/\\b[0-9a-f]{16,}\\b/g, m => '0'.repeat(m.length)],
              [/junit[-0-9]+/g, m => 'junit' + '0'.repeat(m.length - 5)]];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              let t = n.nodeValue;
              for (const [re, f] of rules) t = t.replace(re, f);
              if (t !== n.nodeValue) n.nodeValue = t;
            }
            document.activeElement && document.activeElement.blur();
            """;

    @TempDir
    static Path dir;
    @TempDir
    Path profile;
    static FakeUpstream upstream;
    static ConsoleFixture console;
    static String auditor;

    /** The fonts the baselines were drawn with (Debian's fonts-dejavu-core, which .ci/run installs). */
    static final Map<String, String> FONTS = Map.of("sans-serif", "DejaVu Sans", "monospace", "DejaVu Sans Mono");

    @BeforeAll
    static void start() throws Exception {
        for (Map.Entry<String, String> font : FONTS.entrySet()) {
            String found = fontFor(font.getKey());
            if (!found.equals(font.getValue())) {
                String message = "the baselines were drawn with " + font.getValue() + " as " + font.getKey()
                        + ", and this machine has '" + found + "' (apt-get install fonts-dejavu-core)";
                if ("required".equals(System.getenv("BASTION_TEST_BROWSER"))) {
                    org.junit.jupiter.api.Assertions.fail(message);
                }
                org.junit.jupiter.api.Assumptions.abort(message);
            }
        }
        MovableClock clock = new MovableClock();
        upstream = FakeUpstream.start();
        console = ConsoleFixture.start(dir, "audit:\n  checkpoint-every: 1\n" + ModelFixtures.yaml(dir)
                + TestGateway.model("m", upstream, "local") + TestGateway.model("c", upstream, "cloud"), Map.of(), clock);
        console.withLedger(clock, ledger -> {
            LedgerId census = new LedgerId("census", LedgerId.ROW);
            ledger.setTotal(census, new Budget(3, 1e-6));
            ledger.charge(census, "count by region", List.of(new PrivacyEvent.PureDp(0.5)));
            ledger.charge(census, "mean income", List.of(new PrivacyEvent.Approximate(0.25, 1e-7)));
        });
        // Keys are listed newest first: a minute apart, their order is the same in every run.
        clock.now = clock.now.plusSeconds(60);
        String user = console.createKey(Role.USER, "default", "traffic");
        clock.now = clock.now.plusSeconds(60);
        console.createKey(Role.USER, "acme", "acme service");
        clock.now = clock.now.plusSeconds(60);
        auditor = console.createKey(Role.AUDITOR, "default", "auditor");
        for (String model : List.of("m", "c", "nope")) {
            assertThat(LiveStreamHttpTest.chat(console, user, model, "baseline")).as(model).isIn(200, 400, 404);
        }
    }

    /** The family fontconfig picks for {@code pattern}, as Chromium on Linux asks it; empty without fontconfig. */
    static String fontFor(String pattern) {
        try {
            Process p = new ProcessBuilder("fc-match", "-f", "%{family}", pattern).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? out.split(",")[0] : "";
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @AfterAll
    static void stop() {
        console.close();
        upstream.close();
    }

    @Test
    void everyPageMatchesItsBaselineAtBothSizesForBothRoles() throws Exception {
        boolean update = "1".equals(System.getenv("BASTION_UPDATE_BASELINES"));
        List<String> mismatches = new ArrayList<>();
        for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
            for (String[] who : new String[][] {{"admin", console.adminKey}, {"auditor", auditor}}) {
                try (Browser b = Browser.open(profile.resolve(who[0] + size[0]), size[0], size[1])) {
                    for (String page : PAGES) {
                        if (page.equals("/")) {
                            ConsoleBrowserTest.loginAt(b, console, who[1]);
                        }
                        b.get(console.origin() + page);
                        if (page.equals("/live")) {
                            new WebDriverWait(b.driver, Duration.ofSeconds(20)).until(d -> "live".equals(
                                    d.findElement(By.id("live-status")).getDomAttribute("data-state")));
                        }
                        b.driver.executeScript(NORMALISE);
                        String name = who[0] + "-" + size[0] + "x" + size[1] + "-"
                                + (page.equals("/") ? "overview" : page.substring(1)) + ".png";
                        check(b.png(), name, update).ifPresent(mismatches::add);
                    }
                }
            }
        }
        assertThat(mismatches).as("pages that differ from their baselines (see target/baselines/)").isEmpty();
    }

    /** A description of the mismatch, or empty when the page matches (or its baseline was just written). */
    private static java.util.Optional<String> check(byte[] png, String name, boolean update) throws Exception {
        Path baseline = BASELINES.resolve(name);
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name), png);
        if (update) {
            Files.createDirectories(BASELINES);
            Files.write(baseline, png);
            return java.util.Optional.empty();
        }
        if (!Files.exists(baseline)) {
            return java.util.Optional.of(name + ": no baseline (run with BASTION_UPDATE_BASELINES=1 to write it)");
        }
        PngDiff.Result r = PngDiff.compare(PngDiff.read(Files.readAllBytes(baseline)), PngDiff.read(png));
        System.out.printf("baseline %s: %d of %d pixels differ (%.4f%%)%n", name, r.differing(), r.total(),
                100 * r.share());
        if (r.matches()) {
            return java.util.Optional.empty();
        }
        PngDiff.write(r.diff(), OUT.resolve(name.replace(".png", "-diff.png")));
        return java.util.Optional.of(String.format("%s: %s%d of %d pixels differ (%.3f%%, at most %.3f%% allowed)", name,
                r.sameSize() ? "" : "sizes differ; ", r.differing(), r.total(), 100 * r.share(), 100 * PngDiff.MAX_SHARE));
    }
}
