package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bastion serve} as a real process: first start, serving, and a graceful stop on SIGTERM. */
class ServeProcessTest {
    @TempDir
    Path dir;

    @Test
    void sigtermLetsTheInFlightRequestFinishThenExitsCleanly() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start().delay(1500)) {
            Path config = dir.resolve("bastion.yaml");
            Files.writeString(config, "models:\n  - name: slow\n    backend: openai\n    base-url: " + upstream.baseUrl()
                    + "\n    location: local\n");
            ServedProcess served = ServedProcess.start(config, dir.resolve("data"), dir.resolve("stderr.txt"));
            Process process = served.process();
            try {
                String base = served.base();
                String admin = Files.readString(dir.resolve("data/admin.key")).strip();
                assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("admin.key").doesNotContain(admin);

                HttpClient client = HttpClient.newHttpClient();
                CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                        URI.create(base + "/v1/chat/completions")).header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"slow\",\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}]}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (int i = 0; i < 500 && upstream.calls() == 0; i++) {
                    Thread.sleep(10); // until the request is in flight
                }
                process.destroy(); // SIGTERM
                HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("echo: wait");
                assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isIn(0, 143);
                assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("stopping");
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
