package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret string sent through the Responses, Completions and Messages APIs, as prompt text, as a field name, a
 * model name, a key and in malformed requests, appears in no log line, metric, error body or stored file.
 */
class DialectsCanaryTest {
    private static final String CANARY = "canary-5d1e0b-do-not-leak";

    @TempDir
    Path dir;

    @Test
    void aSecretSentThroughTheTranslatedApisReachesNoLogMetricErrorOrStoredFile() throws Exception {
        List<String> logs = new ArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                logs.add(record.getLoggerName() + " " + formatter.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Level previous = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        List<String> errors = new ArrayList<>();
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local")
                        + TestGateway.model("deny", upstream, "local")
                        + "routes:\n  - name: deny\n    models: [deny]\n    input-scanners: [deny-list]\n"
                        + "    deny-patterns: [\"" + CANARY + "\"]\n    actions: {DENY_LIST: block}\n"
                        + "  - name: default\n    models: [\"*\"]\n")) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            Map<String, String> anthropic = Map.of("x-api-key", key);
            String messages = "{\"model\":\"%s\",\"max_tokens\":8,%s\"messages\":[{\"role\":\"user\",\"content\":\"ok "
                    + CANARY + "\"}]}";
            gateway.post("/v1/messages", null, messages.formatted("m", ""), anthropic);
            gateway.post("/v1/messages", null, messages.formatted("m", "\"stream\":true,"), anthropic);
            gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"ok " + CANARY + "\"}");
            gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"ok " + CANARY + "\",\"stream\":true}");
            gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":\"ok " + CANARY + "\"}");
            errors.add(gateway.post("/v1/messages", null, messages.formatted("deny", ""), anthropic).body());
            errors.add(gateway.post("/v1/messages", null, messages.formatted(CANARY, ""), anthropic).body());
            errors.add(gateway.post("/v1/messages", null, messages.formatted("m", "\"" + CANARY + "\":1,"), anthropic).body());
            errors.add(gateway.post("/v1/messages", null, messages.formatted("m", ""), Map.of("x-api-key", "bsk_" + CANARY)).body());
            errors.add(gateway.post("/v1/messages", null, "{\"model\":\"m\",\"max_tokens\":8,\"messages\":[{\"role\":\""
                    + CANARY + "\",\"content\":\"x\"}]}", anthropic).body());
            errors.add(gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":[{\"type\":\"" + CANARY + "\"}]}").body());
            errors.add(gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":\"x\",\"" + CANARY + "\":true}").body());
            errors.add(gateway.post("/v1/responses", key, "{\"model\":\"m\",\"input\":" + CANARY + "}").body());
            errors.add(gateway.post("/v1/completions", key, "{\"model\":\"deny\",\"prompt\":\"" + CANARY + "\",\"stream\":true}").body());
            errors.add(gateway.post("/v1/completions", key, "{\"model\":\"m\",\"prompt\":[\"" + CANARY + "\",\"b\"]}").body());
            String metrics = gateway.get("/metrics", null).body();

            assertThat(errors).hasSize(10).allSatisfy(e -> assertThat(e).contains("\"error\"").doesNotContain(CANARY));
            assertThat(metrics).doesNotContain(CANARY).contains("bastion_refusals_total");
            assertThat(upstream.received()).anySatisfy(r -> assertThat(r.body().toString()).contains(CANARY));
        } finally {
            root.removeHandler(capture);
            root.setLevel(previous);
        }
        assertThat(logs).isNotEmpty().noneMatch(l -> l.contains(CANARY));
        try (var files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(CANARY);
            }
        }
    }
}
