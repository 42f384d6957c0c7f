package dev.bastion.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The span tree of real requests, through the SDK's in-memory exporter. */
class TelemetryTracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final List<String> CHAT_STAGES = List.of("authenticate", "admit", "parse", "scan-input", "route",
            "pseudonymise", "backend", "scan-output", "restore", "record", "audit", "keep");

    @TempDir
    static Path dir;
    static InMemorySpanExporter spans = InMemorySpanExporter.create();
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("alpha", upstream, "local"), Map.of(),
                Tracing.with(OpenTelemetrySdk.builder().setTracerProvider(provider).build()));
        key = gateway.createKey(Role.USER, "t", List.of("alpha"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void clear() {
        spans.reset();
    }

    /** The finished spans once the server span of the request has ended (it ends after the response is sent). */
    private static List<SpanData> spansOfRequest() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (spans.getFinishedSpanItems().stream().noneMatch(s -> s.getKind() == SpanKind.SERVER)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no server span within 5 s");
            }
            Thread.sleep(10);
        }
        return spans.getFinishedSpanItems();
    }

    @Test
    void aRequestCarryingATraceparentJoinsThatTraceWithOneSpanPerStageAndPassesItUpstream() throws Exception {
        int before = upstream.received().size();
        TestGateway.Reply r = gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hello", false),
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01", "tracestate", "vendor=opaque"));
        assertThat(r.status()).isEqualTo(200);
        List<SpanData> all = spansOfRequest();
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE_ID));
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/v1/chat/completions");
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("bastion.route"))).isEqualTo("default");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("bastion.model"))).isEqualTo("alpha");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("bastion.request_id")))
                .isEqualTo(r.header("x-request-id").orElseThrow());
        List<SpanData> stages = all.stream().filter(s -> s.getKind() != SpanKind.SERVER).toList();
        assertThat(stages).extracting(SpanData::getName).containsExactlyInAnyOrderElementsOf(CHAT_STAGES);
        assertThat(stages).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(server.getSpanId()));
        SpanData backend = stages.stream().filter(s -> s.getName().equals("backend")).findFirst().orElseThrow();

        // OpenMetrics scrapes link latency buckets to sampled traces through exemplars.
        String openMetrics = gateway.get("/metrics", null, Map.of("Accept", "application/openmetrics-text")).body();
        assertThat(openMetrics).contains("trace_id=\"" + TRACE_ID + "\"");

        FakeUpstream.Received call = upstream.received().get(before);
        assertThat(call.header("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + backend.getSpanId() + "-01");
        assertThat(call.header("tracestate")).isEqualTo("vendor=opaque");
    }

    @Test
    void aStreamedRequestWithoutTraceparentStartsItsOwnTraceAndTheUpstreamJoinsIt() throws Exception {
        int before = upstream.received().size();
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "stream", true)).status()).isEqualTo(200);
        List<SpanData> all = spansOfRequest();
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(server.getTraceId()));
        assertThat(all).extracting(SpanData::getName).contains("backend", "scan-input");
        assertThat(upstream.received().get(before).header("traceparent")).startsWith("00-" + server.getTraceId() + "-");
    }

    @Test
    void pathsWithIdsAreNamedByTheirTemplateAndUnknownPathsByTheirMethodAlone() throws Exception {
        gateway.get("/v1/models/alpha", key);
        assertThat(spansOfRequest()).filteredOn(s -> s.getKind() == SpanKind.SERVER).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("GET /v1/models/{id}"));
        spans.reset();
        gateway.get("/v1/not-here/secret-path-value", key);
        assertThat(spansOfRequest()).filteredOn(s -> s.getKind() == SpanKind.SERVER).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("GET");
            assertThat(s.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(404L);
            assertThat(s.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains("secret-path-value"));
        });
    }

    @Test
    void aRefusedRequestEndsItsSpanWithTheRefusalStatus() throws Exception {
        assertThat(gateway.post("/v1/chat/completions", "bst_wrong", TestGateway.chat("alpha", "x", false)).status()).isEqualTo(401);
        List<SpanData> all = spansOfRequest();
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(401L);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("bastion.model"))).isEqualTo("none");
        assertThat(all).extracting(SpanData::getName).contains("authenticate").doesNotContain("backend");
    }
}
