package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.telemetry.JsonLogFormatter;
import dev.bastion.gateway.telemetry.Tracing;
import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import dev.bastion.store.testing.SqliteFiles;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret string sent in prompts, through every kind of outcome, appears in no log line (text or JSON), metric
 * (text or OpenMetrics), exported span, error message or stored row.
 */
class CanaryTest {
    private static final String CANARY = "canary-7f3a9c-do-not-leak";

    @TempDir
    Path dir;

    @Test
    void aSecretInPromptsReachesNoLogMetricSpanErrorOrStoredRow() throws Exception {
        List<String> logs = new ArrayList<>();
        List<String> jsonLogs = new ArrayList<>();
        Handler capture = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();
            private final JsonLogFormatter json = new JsonLogFormatter();

            @Override
            public synchronized void publish(LogRecord record) {
                logs.add(record.getLoggerName() + " " + formatter.format(record));
                jsonLogs.add(json.format(record));
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
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        Tracing tracing = Tracing.with(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());
        try (FakeUpstream upstream = FakeUpstream.start();
                TestGateway gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("m", upstream, "local")
                        + TestGateway.model("deny", upstream, "local")
                        + "routes:\n  - name: deny\n    models: [deny]\n    input-scanners: [deny-list]\n"
                        + "    deny-patterns: [\"" + CANARY + "\"]\n    actions: {DENY_LIST: block}\n"
                        + "  - name: default\n    models: [\"*\"]\n", java.util.Map.of(), tracing)) {
            String key = gateway.createKey(Role.USER, "t", List.of("*"));
            gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "ok " + CANARY, false));
            gateway.post("/v1/chat/completions", key, TestGateway.chat("m", "ok " + CANARY, true));
            errors.add(gateway.post("/v1/chat/completions", key, "{\"model\":\"m\",\"messages\":[" + CANARY + "]}").body());
            errors.add(gateway.post("/v1/chat/completions", key, "{\"model\":\"m\",\"messages\":\"" + CANARY + "\"}").body());
            errors.add(gateway.post("/v1/chat/completions", key, TestGateway.chat("deny", CANARY, false)).body());
            errors.add(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", CANARY + "\u0000", false)).body());
            errors.add(gateway.post("/v1/chat/completions", "bsk_" + CANARY, TestGateway.chat("m", CANARY, false)).body());
            errors.add(gateway.post("/v1/chat/completions", key, "{\"model\":\"" + CANARY + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + CANARY + "\"}]}").body());
            upstream.mode(FakeUpstream.Mode.STATUS).status(400, "{\"error\":{\"message\":\"bad: " + "x" + "\"}}");
            errors.add(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", CANARY, false)).body());
            upstream.mode(FakeUpstream.Mode.DROP_MID_STREAM);
            errors.add(gateway.post("/v1/chat/completions", key, TestGateway.chat("m", CANARY + " long enough text", true)).body());
            upstream.mode(FakeUpstream.Mode.NORMAL);
            errors.add(gateway.post("/v1/embeddings", key, "{\"model\":\"nope\",\"input\":\"" + CANARY + "\"}").body());
            String metrics = gateway.get("/metrics", null).body();
            String openMetrics = gateway.get("/metrics", null, java.util.Map.of("Accept", "application/openmetrics-text")).body();
            gateway.get("/admin/v1/usage", gateway.adminKey());

            assertThat(errors).hasSize(9).allSatisfy(e -> assertThat(e).contains("\"error\"").doesNotContain(CANARY));
            assertThat(metrics).doesNotContain(CANARY).contains("bastion_refusals_total");
            assertThat(openMetrics).doesNotContain(CANARY).contains("bastion_refusals_total").endsWith("# EOF\n");
            assertThat(upstream.received()).anySatisfy(r -> assertThat(r.body().toString()).contains(CANARY));
        } finally {
            root.removeHandler(capture);
            root.setLevel(previous);
        }
        assertThat(logs).isNotEmpty().noneMatch(l -> l.contains(CANARY));
        assertThat(jsonLogs).hasSameSizeAs(logs).noneMatch(l -> l.contains(CANARY)).allSatisfy(l ->
                assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l).path("message").isTextual()).isTrue());
        // Records logged while a request is handled (here Helidon's own, at FINE) carry its request id.
        assertThat(jsonLogs).anyMatch(l -> l.contains("\"request_id\":\"req_"));
        List<SpanData> exported = spans.getFinishedSpanItems();
        assertThat(exported).extracting(SpanData::getName).contains("POST /v1/chat/completions", "scan-input", "backend");
        assertThat(exported).allSatisfy(span -> {
            assertThat(span.getName()).doesNotContain(CANARY);
            assertThat(span.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains(CANARY));
            assertThat(span.getEvents()).noneMatch(e -> e.getName().contains(CANARY) || e.getAttributes().toString().contains(CANARY));
            assertThat(span.getStatus().getDescription()).doesNotContain(CANARY);
        });
        assertThat(SqliteFiles.allText(dir.resolve("data/bastion.db"))).doesNotContain(CANARY).contains("key_");
        try (var files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(CANARY);
            }
        }
    }
}
