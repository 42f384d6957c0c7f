package dev.bastion.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.ConfigLoader;
import dev.bastion.gateway.config.LoadedConfig;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.server.Gateway;
import dev.bastion.store.keys.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real gateway for tests: configured from a YAML text through the real loader, on a free loopback port, with
 * its own data directory, plus a small HTTP client for raw requests.
 */
public final class TestGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private final String adminKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(Gateway gateway, String adminKey) {
        this.gateway = gateway;
        this.adminKey = adminKey;
    }

    /** Starts a gateway with {@code yaml} as its config file in {@code dir}; data in {@code dir/data}. */
    public static TestGateway start(Path dir, String yaml) {
        return start(dir, yaml, Map.of());
    }

    public static TestGateway start(Path dir, String yaml, Map<String, String> env) {
        return start(dir, yaml, env, null);
    }

    /** As above, with the given tracing (null: as the config says). */
    public static TestGateway start(Path dir, String yaml, Map<String, String> env,
            dev.bastion.gateway.telemetry.Tracing tracing) {
        try {
            Files.writeString(dir.resolve("bastion.yaml"), yaml);
            LoadedConfig loaded = ConfigLoader.load(Optional.of(dir.resolve("bastion.yaml")), dir, env,
                    Map.of("server.port", "0", "data-dir", dir.resolve("data").toString()), dir);
            Gateway gateway = tracing == null ? Gateway.start(loaded.config(), env, Clock.systemUTC())
                    : Gateway.start(loaded.config(), env, Clock.systemUTC(), dev.bastion.gateway.telemetry.BuildInfo.DEVELOPMENT,
                            tracing);
            String admin = Files.readString(dir.resolve("data/admin.key")).strip();
            return new TestGateway(gateway, admin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A model section with one cloud-located model named {@code name} pointing at {@code upstream}. */
    public static String model(String name, FakeUpstream upstream, String location) {
        return "  - name: " + name + "\n    backend: openai\n    base-url: " + upstream.baseUrl()
                + "\n    location: " + location + "\n    read-timeout: 2s\n    max-retries: 1\n";
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/v1";
    }

    public int port() {
        return gateway.port();
    }

    public String adminKey() {
        return adminKey;
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Creates a key and returns it. */
    public String createKey(Role role, String tenant, List<String> models) {
        return gateway.keys().create(new KeyService.KeySpec(role, tenant, models, Optional.empty(), Optional.empty(), "test"))
                .secret().toUtf8(InsecureSecretAccess.get());
    }

    public String createKey(Role role, String tenant, List<String> models, dev.bastion.store.keys.Limits limits) {
        return gateway.keys().create(new KeyService.KeySpec(role, tenant, models, Optional.empty(), Optional.of(limits), "test"))
                .secret().toUtf8(InsecureSecretAccess.get());
    }

    /** A response: status, headers and body text. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return Optional.of(e.getValue().getFirst());
                }
            }
            return Optional.empty();
        }

        /** The {@code data:} payloads of an event-stream body, in order. */
        public List<String> events() {
            List<String> events = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
            return events;
        }
    }

    public Reply post(String path, String key, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    /** A POST with extra request headers. */
    public Reply post(String path, String key, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply post(String path, String key, String json) {
        return post(path, key, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Reply get(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    /** A GET with extra request headers. */
    public Reply get(String path, String key, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    /** A DELETE. */
    public Reply delete(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).DELETE();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A minimal chat request body. */
    public static String chat(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(text) + "}]}";
    }

    public static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
