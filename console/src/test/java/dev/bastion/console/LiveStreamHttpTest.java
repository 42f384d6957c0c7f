package dev.bastion.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live-traffic stream over HTTP: a request through the gateway becomes one metadata event, never its text. */
class LiveStreamHttpTest {
    static final String CANARY = "canary-live-7f3a-never-streamed";

    @TempDir
    static Path dir;
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

    static int chat(String key, String model) throws Exception {
        return chat(console, key, model, CANARY);
    }

    /** Sends a chat request with {@code canary} in its prompt through {@code at}'s gateway; its status. */
    static int chat(ConsoleFixture at, String key, String model, String canary) throws Exception {
        return ConsoleFixture.HTTP.send(HttpRequest.newBuilder(URI.create(at.apiUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat(model, "hello " + canary, false))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Reads the stream until a {@code request} event arrives; its data line. */
    static CompletableFuture<String> firstRequestEvent(HttpResponse<InputStream> stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                boolean request = false;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.equals("event: request")) {
                        request = true;
                    } else if (request && line.startsWith("data: ")) {
                        return line.substring(6);
                    }
                }
                return "";
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static HttpResponse<InputStream> open(String cookie, String query) throws Exception {
        return ConsoleFixture.HTTP.send(HttpRequest.newBuilder(URI.create(console.origin() + "/live/events" + query))
                .header("Cookie", cookie).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aRequestThroughTheGatewayArrivesAsMetadataWithoutItsText() throws Exception {
        String user = console.createKey(Role.USER, "acme", "live user");
        ConsoleFixture.Session auditor = console.login(console.createKey(Role.AUDITOR, "default", "watcher"));
        HttpResponse<InputStream> stream = open(auditor.cookie(), "?model=m");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(stream.headers().firstValue("Content-Security-Policy")).isPresent();
        CompletableFuture<String> event = firstRequestEvent(stream);
        assertThat(chat(user, "m")).isEqualTo(200);
        String data = event.get(20, TimeUnit.SECONDS);
        stream.body().close();
        var json = Json.MAPPER.readTree(data);
        assertThat(json.path("key_id").asText()).isEqualTo(console.keyIdOf(user));
        assertThat(json.path("key_label").asText()).isEqualTo("live user");
        assertThat(json.path("tenant").asText()).isEqualTo("acme");
        assertThat(json.path("model").asText()).isEqualTo("m");
        assertThat(json.path("status").asInt()).isEqualTo(200);
        assertThat(json.path("location").asText()).isEqualTo("local");
        assertThat(json.has("latency_ms")).isTrue();
        assertThat(data).doesNotContain(CANARY).doesNotContain("hello");
    }

    @Test
    void aTenantBoundViewerDoesNotReceiveAnotherTenantsRequests() throws Exception {
        String globex = console.createKey(Role.USER, "globex", "globex user");
        String acme = console.createKey(Role.USER, "acme", "acme user");
        ConsoleFixture.Session acmeAdmin = console.login(console.createKey(Role.ADMIN, "acme", "acme admin"));
        HttpResponse<InputStream> stream = open(acmeAdmin.cookie(), "?tenant=globex");
        CompletableFuture<String> event = firstRequestEvent(stream);
        assertThat(chat(globex, "m")).isEqualTo(200);
        assertThat(chat(acme, "m")).isEqualTo(200);
        String data = event.get(20, TimeUnit.SECONDS);
        stream.body().close();
        assertThat(Json.MAPPER.readTree(data).path("tenant").asText()).isEqualTo("acme");
    }

    @Test
    void withoutASessionTheStreamIsNotOpened() throws Exception {
        HttpResponse<String> res = console.get("/live/events", Optional.empty());
        assertThat(res.statusCode()).isEqualTo(303);
    }
}
