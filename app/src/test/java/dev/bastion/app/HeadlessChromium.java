package dev.bastion.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium run headless on a local file: the DOM after parsing ({@code --dump-dom}) and a screenshot. A
 * fresh profile per call, no sandbox (tests run in containers as root). Without Chromium the calling test is
 * skipped, unless {@code BASTION_TEST_BROWSER=required} (as in CI), when it fails: the rule the console's browser
 * tests follow.
 */
final class HeadlessChromium {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** Skips (or, when the browser is required, fails) the calling test when Chromium is missing. */
    static void assumePresent() {
        if (!Files.isExecutable(CHROMIUM)) {
            String message = "Chromium is missing at " + CHROMIUM + " (apt-get install chromium)";
            if ("required".equals(System.getenv("BASTION_TEST_BROWSER"))) {
                Assertions.fail(message + ", and BASTION_TEST_BROWSER=required");
            }
            Assumptions.abort(message);
        }
    }

    /** The serialised DOM of {@code page} as Chromium parsed it. */
    static String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
        Path out = scratch.resolve("dom.html");
        run(scratch, out, "--dump-dom", page.toUri().toString());
        return Files.readString(out);
    }

    /** A PNG screenshot of {@code page} at {@code width} x {@code height}. */
    static byte[] screenshot(Path page, Path scratch, int width, int height) throws IOException,
            InterruptedException {
        Path png = scratch.resolve("page.png");
        run(scratch, scratch.resolve("screenshot.log"), "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height, page.toUri().toString());
        return Files.readAllBytes(png);
    }

    private static void run(Path scratch, Path stdout, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(scratch.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail("Chromium did not finish within 120 s");
        }
        Assertions.assertEquals(0, p.exitValue(), "Chromium's exit code");
    }
}
