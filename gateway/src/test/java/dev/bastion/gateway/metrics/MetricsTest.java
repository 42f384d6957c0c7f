package dev.bastion.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.gateway.telemetry.BuildInfo;
import dev.bastion.gateway.telemetry.Tracing;
import dev.bastion.gateway.testing.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void histogramBucketsAreCumulativeInTheParsedExposition() {
        GatewayMetrics m = new GatewayMetrics();
        m.stage("scan-input", 50_000);          // 50 µs
        m.stage("scan-input", 3_000_000);       // 3 ms
        m.stage("scan-input", 40_000_000);      // 40 ms
        m.stage("scan-input", 200_000_000_000L); // 200 s: beyond the last bound
        PrometheusText text = PrometheusText.parse(m.scrape());
        assertThat(text.type("bastion_stage_duration_seconds")).contains("histogram");
        String bucket = "bastion_stage_duration_seconds_bucket";
        assertThat(text.value(bucket, Map.of("stage", "scan-input", "le", "1.0E-4"))).isEqualTo(1);
        assertThat(text.value(bucket, Map.of("stage", "scan-input", "le", "0.005"))).isEqualTo(2);
        assertThat(text.value(bucket, Map.of("stage", "scan-input", "le", "0.05"))).isEqualTo(3);
        assertThat(text.value(bucket, Map.of("stage", "scan-input", "le", "120.0"))).isEqualTo(3);
        assertThat(text.value(bucket, Map.of("stage", "scan-input", "le", "+Inf"))).isEqualTo(4);
        assertThat(text.value("bastion_stage_duration_seconds_count", Map.of("stage", "scan-input"))).isEqualTo(4);
        assertThat(text.value("bastion_stage_duration_seconds_sum", Map.of("stage", "scan-input")))
                .isCloseTo(200.04305, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void everyMetricKeepsItsNameAndLabels() {
        GatewayMetrics m = new GatewayMetrics();
        m.requestFinished("default", "alpha", 200, 1_000_000);
        m.backend("openai", "alpha", 1_000_000);
        m.tokens("alpha", 10, 5);
        m.refusal("rate_limited");
        m.scanner("secrets", 1000);
        m.finding("secrets", "AWS_ACCESS_KEY");
        m.upstreamError("alpha", "timeout");
        m.auditFailure();
        m.timeToFirstToken("alpha", 20_000_000);
        m.generation("alpha", 50, 1_000_000_000);
        m.inFlightGauge(() -> 3);
        m.auditGroupCommits(() -> 7);
        PrometheusText text = PrometheusText.parse(m.scrape());
        assertThat(text.value("bastion_requests_total", Map.of("route", "default", "model", "alpha", "status", "200"))).isEqualTo(1);
        assertThat(text.value("bastion_request_duration_seconds_count", Map.of("route", "default"))).isEqualTo(1);
        assertThat(text.value("bastion_backend_duration_seconds_count", Map.of("backend", "openai", "model", "alpha"))).isEqualTo(1);
        assertThat(text.value("bastion_tokens_total", Map.of("model", "alpha", "kind", "prompt"))).isEqualTo(10);
        assertThat(text.value("bastion_tokens_total", Map.of("model", "alpha", "kind", "completion"))).isEqualTo(5);
        assertThat(text.value("bastion_refusals_total", Map.of("reason", "rate_limited"))).isEqualTo(1);
        assertThat(text.value("bastion_scanner_duration_seconds_count", Map.of("scanner", "secrets"))).isEqualTo(1);
        assertThat(text.value("bastion_findings_total", Map.of("scanner", "secrets", "type", "AWS_ACCESS_KEY"))).isEqualTo(1);
        assertThat(text.value("bastion_upstream_errors_total", Map.of("model", "alpha", "kind", "timeout"))).isEqualTo(1);
        assertThat(text.value("bastion_audit_append_failures_total", Map.of())).isEqualTo(1);
        assertThat(text.value("bastion_in_flight_requests", Map.of())).isEqualTo(3);
        assertThat(text.value("bastion_audit_group_commits_total", Map.of())).isEqualTo(7);
        assertThat(text.value("bastion_time_to_first_token_seconds_bucket", Map.of("model", "alpha", "le", "0.025"))).isEqualTo(1);
        assertThat(text.value("bastion_time_to_first_token_seconds_bucket", Map.of("model", "alpha", "le", "0.01"))).isEqualTo(0);
        assertThat(text.value("bastion_generation_tokens_per_second_sum", Map.of("model", "alpha"))).isEqualTo(50);
        assertThat(text.type("bastion_requests_total")).contains("counter");
    }

    @Test
    void buildInfoAndJvmAndProcessMetricsAreExposed() {
        GatewayMetrics m = new GatewayMetrics(new BuildInfo("1.2.3", "abc1234"), Tracing.off());
        PrometheusText text = PrometheusText.parse(m.scrape());
        assertThat(text.value("bastion_build_info", Map.of("version", "1.2.3", "commit", "abc1234"))).isEqualTo(1);
        assertThat(text.find("jvm_memory_used_bytes", Map.of("area", "heap"))).singleElement()
                .satisfies(s -> assertThat(s.value()).isPositive());
        assertThat(text.find("jvm_threads_current", Map.of())).isNotEmpty();
        assertThat(text.find("process_cpu_seconds_total", Map.of())).isNotEmpty();
    }

    @Test
    void answersWithoutTokensAreNotCountedAsRates() {
        GatewayMetrics m = new GatewayMetrics();
        m.generation("alpha", 0, 1_000_000);
        m.generation("alpha", 5, 0);
        assertThat(PrometheusText.parse(m.scrape()).find("bastion_generation_tokens_per_second_count", Map.of())).isEmpty();
    }

    @Test
    void labelValuesAreEscapedAndParseBack() {
        GatewayMetrics m = new GatewayMetrics();
        m.refusal("a\"b\\c\nd");
        assertThat(m.scrape()).contains("bastion_refusals_total{reason=\"a\\\"b\\\\c\\nd\"} 1");
        assertThat(PrometheusText.parse(m.scrape()).value("bastion_refusals_total", Map.of("reason", "a\"b\\c\nd"))).isEqualTo(1);
    }

    @Test
    void concurrentIncrementsAreExact() throws Exception {
        GatewayMetrics m = new GatewayMetrics();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    m.refusal("x");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(PrometheusText.parse(m.scrape()).value("bastion_refusals_total", Map.of("reason", "x"))).isEqualTo(800_000);
    }

    @Test
    void labelSetsBeyondTheCapGoToOneOverflowSeries() {
        GatewayMetrics m = new GatewayMetrics();
        for (int i = 0; i < LabelCap.MAX_SERIES + 50; i++) {
            m.finding("scanner", "TYPE_" + i);
        }
        m.finding("scanner", "TYPE_7"); // a label set admitted before the cap keeps its own series
        PrometheusText text = PrometheusText.parse(m.scrape());
        assertThat(text.find("bastion_findings_total", Map.of())).hasSize(LabelCap.MAX_SERIES + 1);
        assertThat(text.value("bastion_findings_total", Map.of("scanner", "_overflow_", "type", "_overflow_"))).isEqualTo(50);
        assertThat(text.value("bastion_findings_total", Map.of("scanner", "scanner", "type", "TYPE_7"))).isEqualTo(2);
    }

    @Test
    void openMetricsIsServedOnlyWhenAskedFor() {
        GatewayMetrics m = new GatewayMetrics();
        m.refusal("x");
        GatewayMetrics.Scrape open = m.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(open.contentType()).startsWith("application/openmetrics-text");
        String body = new String(open.body(), StandardCharsets.UTF_8);
        assertThat(body).endsWith("# EOF\n");
        assertThat(PrometheusText.parse(body).value("bastion_refusals_total", Map.of("reason", "x"))).isEqualTo(1);
        GatewayMetrics.Scrape classic = m.scrape("text/plain");
        assertThat(classic.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(new String(classic.body(), StandardCharsets.UTF_8)).doesNotContain("# EOF");
        assertThat(m.scrape(null).contentType()).isEqualTo(classic.contentType());
        // The protobuf format is not offered: a scraper that prefers it gets the text format.
        assertThat(m.scrape("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
                .contentType()).isEqualTo(classic.contentType());
    }

    @Test
    void oneLabelMetricsKeepOneSeriesPerValueAndTheSameCap() {
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        LabelCap<String> cap = new LabelCap<>(1, v -> {
            made.incrementAndGet();
            return String.join("/", v);
        });
        String first = cap.get("scan-input");
        assertThat(first).isEqualTo("scan-input");
        assertThat(cap.get("scan-input")).isSameAs(first);
        assertThat(cap.get(new String[] {"scan-input"})).isEqualTo("scan-input");
        for (int i = 1; i < LabelCap.MAX_SERIES + 20; i++) {
            cap.get("stage-" + i);
        }
        assertThat(cap.get("stage-7")).isEqualTo("stage-7"); // admitted before the cap: its own series
        assertThat(cap.get("stage-" + (LabelCap.MAX_SERIES + 5))).isEqualTo(LabelCap.OVERFLOW);
        assertThatThrownBy(() -> new LabelCap<String>(2, v -> "").get("a")).isInstanceOf(IllegalArgumentException.class);

        GatewayMetrics m = new GatewayMetrics();
        for (int i = 0; i < LabelCap.MAX_SERIES + 30; i++) {
            m.refusal("reason_" + i);
        }
        m.refusal("reason_3");
        PrometheusText text = PrometheusText.parse(m.scrape());
        assertThat(text.find("bastion_refusals_total", Map.of())).hasSize(LabelCap.MAX_SERIES + 1);
        assertThat(text.value("bastion_refusals_total", Map.of("reason", "_overflow_"))).isEqualTo(30);
        assertThat(text.value("bastion_refusals_total", Map.of("reason", "reason_3"))).isEqualTo(2);
    }

    @Test
    void aWrongNumberOfLabelValuesIsABug() {
        LabelCap<String> cap = new LabelCap<>(2, v -> String.join("/", v));
        assertThat(cap.get("a", "b")).isEqualTo("a/b");
        assertThatThrownBy(() -> cap.get("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LabelCap<String>(0, v -> "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exemplarsAreSampledOnlyWhileTracingRecords() {
        // A sampled span is current in both cases (as a client's traceparent is, with tracing off).
        io.opentelemetry.api.trace.SpanContext sampled = io.opentelemetry.api.trace.SpanContext.create(
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.getDefault());
        GatewayMetrics off = new GatewayMetrics(BuildInfo.DEVELOPMENT, Tracing.off());
        GatewayMetrics on = new GatewayMetrics(BuildInfo.DEVELOPMENT,
                Tracing.with(io.opentelemetry.api.OpenTelemetry.noop()));
        try (var _ = io.opentelemetry.api.trace.Span.wrap(sampled).makeCurrent()) {
            for (GatewayMetrics m : List.of(off, on)) {
                m.stage("scan-input", 50_000);
                m.requestFinished("default", "alpha", 200, 1_000_000);
            }
        }
        String openMetrics = "application/openmetrics-text";
        assertThat(new String(on.scrape(openMetrics).body(), StandardCharsets.UTF_8))
                .contains("trace_id=\"0af7651916cd43dd8448eb211c80319c\"");
        assertThat(new String(off.scrape(openMetrics).body(), StandardCharsets.UTF_8))
                .contains("bastion_stage_duration_seconds_bucket").doesNotContain("trace_id");
    }
}
