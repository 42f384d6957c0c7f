package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonParser;
import dev.bastion.gateway.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a user meets it: unpacked in an empty folder and run with no JDK on the PATH and no
 * JAVA_HOME. Runs only when {@code app/target/bastion-*-linux-x64.tar.gz} exists, that is after
 * {@code ./mvnw -B -Prelease -DskipTests package -pl app -am} (CI builds it first); skipped otherwise.
 */
class ReleaseArchiveTest {
    @TempDir
    Path dir;

    private static Optional<Path> archive() throws IOException {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("bastion-.+-linux-x64\\.tar\\.gz")).findFirst();
        }
    }

    /** Runs a command as a user without a JDK would: PATH=/usr/bin:/bin, no JAVA_HOME; returns the process. */
    private ProcessBuilder asUser(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("HOME", dir.toString());
        return pb;
    }

    private static String[] run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out, err};
    }

    @Test
    void theUnpackedArchiveRunsAndServesWithoutAJdkOnThePath() throws Exception {
        Optional<Path> archive = archive();
        assumeTrue(archive.isPresent(), "no release archive in app/target (build it with -Prelease)");
        assertThat(Files.size(archive.get())).as("archive size").isLessThan(150L << 20);
        Process untar = new ProcessBuilder("tar", "-xzf", archive.get().toAbsolutePath().toString(), "-C",
                dir.toString()).inheritIO().start();
        assertThat(untar.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(untar.exitValue()).isZero();
        Path home;
        try (Stream<Path> unpacked = Files.list(dir)) {
            home = unpacked.filter(p -> p.getFileName().toString().startsWith("bastion-")).findFirst().orElseThrow();
        }
        for (String part : List.of("bin/bastion", "bastion.jar", "runtime/bin/java", "LICENSE", "NOTICE", "README.md",
                "lib/local-models.sh", "lib/cli.aot", "lib/serve.aot", "lib/engine.aot")) {
            assertThat(home.resolve(part)).as(part).exists();
        }
        String bastion = home.resolve("bin/bastion").toString();

        String[] version = run(asUser(bastion, "--version"));
        assertThat(version[0]).as(version[2]).isEqualTo("0");
        assertThat(version[1]).startsWith("bastion ").doesNotContain("development build");
        assertThat(version[2]).as("no JVM warning off the engine's commands").isEmpty();

        String data = dir.resolve("data").toString();
        String[] keys = run(asUser(bastion, "keys", "list", "--format", "json", "--data-dir", data));
        assertThat(keys[0]).as(keys[2]).isEqualTo("0");
        assertThat(keys[2]).isEmpty();
        try (JsonParser p = Json.MAPPER.createParser(keys[1])) {
            assertThat(Json.MAPPER.readTree(p).isArray()).isTrue();
            assertThat(p.nextToken()).isNull();
        }

        Process serve = asUser(bastion, "serve", "--data-dir", data, "--port", "0")
                .redirectError(dir.resolve("serve.err").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", Files.readString(dir.resolve("serve.err")))
                    .startsWith("listening http://127.0.0.1:");
            String base = line.substring("listening ".length());
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            String[] check = run(asUser(bastion, "health", "--url", base + "/healthz"));
            assertThat(check[0]).as("the container's health check: %s", check[2]).isEqualTo("0");
        } finally {
            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(serve.exitValue()).isIn(0, 143);
        assertThat(Files.readString(dir.resolve("serve.err"))).as("serve without local models: no Vector API module")
                .doesNotContain("incubator");

        // A cache this JVM cannot use (here the engine's, made with the Vector API module, in place of serve's) is
        // skipped by the JVM: serve still starts, and nothing about it reaches standard output.
        Files.copy(home.resolve("lib/engine.aot"), home.resolve("lib/serve.aot"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process mismatched = asUser(bastion, "serve", "--data-dir", data, "--port", "0")
                .redirectError(dir.resolve("mismatched.err").toFile()).start();
        try {
            String line = new BufferedReader(new InputStreamReader(mismatched.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(line).as("stderr: %s", Files.readString(dir.resolve("mismatched.err")))
                    .startsWith("listening http://127.0.0.1:");
        } finally {
            mismatched.destroy();
            assertThat(mismatched.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(dir.resolve("mismatched.err"))).doesNotContain("[aot]").doesNotContain("[cds]");
    }
}
