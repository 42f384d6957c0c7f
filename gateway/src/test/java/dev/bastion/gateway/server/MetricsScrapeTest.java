package dev.bastion.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.gateway.testing.FakeUpstream;
import dev.bastion.gateway.testing.PrometheusText;
import dev.bastion.gateway.testing.TestGateway;
import dev.bastion.store.keys.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real gateway, scraped over HTTP and parsed, after real requests. */
class MetricsScrapeTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = TestGateway.start(dir, "models:\n" + TestGateway.model("alpha", upstream, "local")
                + TestGateway.model("beta", upstream, "local"));
        key = gateway.createKey(Role.USER, "t", List.of("alpha", "beta"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static PrometheusText scrape() {
        TestGateway.Reply r = gateway.get("/metrics", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.body());
    }

    @Test
    void requestsAreCountedByRouteModelAndStatusAndEveryStageIsTimed() {
        double before = scrape().find("bastion_requests_total", Map.of("model", "alpha", "status", "200"))
                .stream().mapToDouble(PrometheusText.Sample::value).sum();
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("alpha", "hello", false)).status()).isEqualTo(200);
        }
        assertThat(gateway.post("/v1/chat/completions", "bst_wrong", TestGateway.chat("alpha", "hello", false)).status()).isEqualTo(401);
        PrometheusText text = scrape();
        assertThat(text.value("bastion_requests_total", Map.of("route", "default", "model", "alpha", "status", "200")))
                .isEqualTo(before + 3);
        assertThat(text.find("bastion_requests_total", Map.of("model", "none", "status", "401"))).isNotEmpty();
        for (String stage : List.of("authenticate", "admit", "parse", "scan-input", "route", "pseudonymise", "backend",
                "scan-output", "restore", "record", "audit", "keep")) {
            assertThat(text.find("bastion_stage_duration_seconds_count", Map.of("stage", stage))).as(stage).singleElement()
                    .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(3));
        }
        assertThat(text.find("bastion_scanner_duration_seconds_count", Map.of("scanner", "secrets"))).isNotEmpty();
        assertThat(text.find("bastion_generation_tokens_per_second_count", Map.of("model", "alpha"))).singleElement()
                .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(3));
        assertThat(text.find("bastion_build_info", Map.of())).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1));
        assertThat(text.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();
    }

    @Test
    void aStreamedAnswerRecordsItsTimeToFirstToken() {
        upstream.delay(30);
        try {
            assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("beta", "stream me", true)).status()).isEqualTo(200);
        } finally {
            upstream.delay(0);
        }
        PrometheusText text = scrape();
        assertThat(text.value("bastion_time_to_first_token_seconds_count", Map.of("model", "beta"))).isEqualTo(1);
        // The fake upstream waits 30 ms before answering: the first token cannot have come sooner.
        assertThat(text.value("bastion_time_to_first_token_seconds_bucket", Map.of("model", "beta", "le", "0.025"))).isZero();
        assertThat(text.value("bastion_time_to_first_token_seconds_sum", Map.of("model", "beta"))).isGreaterThanOrEqualTo(0.03);
        assertThat(gateway.post("/v1/chat/completions", key, TestGateway.chat("beta", "not streamed", false)).status()).isEqualTo(200);
        assertThat(scrape().value("bastion_time_to_first_token_seconds_count", Map.of("model", "beta"))).isEqualTo(1);
    }

    @Test
    void aScraperThatAsksForOpenMetricsGetsIt() {
        TestGateway.Reply r = gateway.get("/metrics", null,
                Map.of("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type").orElseThrow()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(r.body()).endsWith("# EOF\n");
        PrometheusText text = PrometheusText.parse(r.body());
        assertThat(text.type("bastion_requests")).contains("counter");
        assertThat(text.find("bastion_build_info", Map.of())).hasSize(1);
        assertThat(gateway.get("/metrics", null, Map.of("Accept", "text/plain")).body()).doesNotContain("# EOF");
    }
}
