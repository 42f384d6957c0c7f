package dev.bastion.gateway.metrics;

import dev.bastion.gateway.telemetry.BuildInfo;
import dev.bastion.gateway.telemetry.Tracing;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The gateway's metrics, with typed methods for each event, in a Prometheus client registry of their own (one per
 * gateway, so tests can run several). Labels are routes, model names from the configuration, stage and scanner ids,
 * finding types, status codes and refusal codes: never prompt text, keys or matched values. Model labels on
 * requests are the client's model name only once it was validated against the configuration; before that they are
 * {@code none}. Every labelled metric keeps at most {@value LabelCap#MAX_SERIES} label sets ({@link LabelCap}).
 * JVM and process metrics come from the client's {@link JvmMetrics}. Thread-safe.
 */
public final class GatewayMetrics {
    /** Latency buckets in seconds, from 100 µs (gateway overhead) to two minutes (long generations). */
    static final double[] LATENCY = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5, 5, 10, 30, 60, 120};
    /** Time-to-first-token buckets in seconds: a fast local or cached answer to a slow cold start. */
    static final double[] FIRST_TOKEN = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    /** Generation speed buckets in tokens per second: a CPU-bound local model to a fast cloud one. */
    static final double[] TOKEN_RATE = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LabelCap<CounterDataPoint> requests;
    private final LabelCap<DistributionDataPoint> requestDuration;
    private final LabelCap<DistributionDataPoint> stageDuration;
    private final LabelCap<DistributionDataPoint> backendDuration;
    private final LabelCap<DistributionDataPoint> firstToken;
    private final LabelCap<DistributionDataPoint> tokenRate;
    private final LabelCap<CounterDataPoint> tokens;
    private final LabelCap<CounterDataPoint> refusals;
    private final LabelCap<DistributionDataPoint> scannerDuration;
    private final LabelCap<CounterDataPoint> findings;
    private final LabelCap<CounterDataPoint> upstreamErrors;
    private final LabelCap<CounterDataPoint> fairnessAlerts;
    private final Counter auditFailures;
    private volatile LongSupplier inFlight = () -> 0;
    private volatile LongSupplier auditCommits = () -> 0;
    private volatile java.util.function.BooleanSupplier limitsFallback = () -> false;
    private final Tracing tracing;
    /** Whether counters and histograms sample exemplars (trace ids): only while tracing records spans. */
    private final boolean exemplars;

    /**
     * Metrics with {@code bastion_build_info} naming this build; pipeline stages timed through {@link #startStage}
     * are also spans of {@code tracing}.
     */
    public GatewayMetrics(BuildInfo build, Tracing tracing) {
        Objects.requireNonNull(build, "build");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        // Exemplars link latency buckets to sampled traces, so they are kept only while tracing records: without it
        // every labelled series' exemplar sampler would still schedule a timer task each sample interval (a
        // wake-up of the client's scheduler thread several hundred times a second at 1,000 requests/s) for nothing.
        this.exemplars = tracing.recording();
        this.requests = counter("bastion_requests_total",
                "Requests answered, by route, model and HTTP status.", "route", "model", "status");
        this.requestDuration = histogram("bastion_request_duration_seconds",
                "Time from request to the end of the response, by route.", LATENCY, "route");
        this.stageDuration = histogram("bastion_stage_duration_seconds",
                "Time spent in each pipeline stage.", LATENCY, "stage");
        this.backendDuration = histogram("bastion_backend_duration_seconds",
                "Time spent waiting for a backend, by backend and model.", LATENCY, "backend", "model");
        this.firstToken = histogram("bastion_time_to_first_token_seconds",
                "Streamed answers: time from the request to the first token sent to the client, by model.", FIRST_TOKEN, "model");
        this.tokenRate = histogram("bastion_generation_tokens_per_second",
                "Completion tokens per second of backend time (prompt processing included), by model.", TOKEN_RATE, "model");
        this.tokens = counter("bastion_tokens_total",
                "Tokens processed, by model and kind (prompt or completion).", "model", "kind");
        this.refusals = counter("bastion_refusals_total",
                "Requests refused, by reason (the error code sent to the client).", "reason");
        this.scannerDuration = histogram("bastion_scanner_duration_seconds",
                "Time spent in each scanner.", LATENCY, "scanner");
        this.findings = counter("bastion_findings_total",
                "Scanner findings, by scanner and finding type.", "scanner", "type");
        this.upstreamErrors = counter("bastion_upstream_errors_total",
                "Backend failures, by model and kind.", "model", "kind");
        this.fairnessAlerts = counter("bastion_fairness_alerts_total",
                "Fairness monitor windows that left their group's baseline, by monitor, group and metric.",
                "monitor", "group", "metric");
        Counter.Builder failures = Counter.builder().name("bastion_audit_append_failures_total")
                .help("Audit records that could not be written (the gateway refuses requests while the log is not writable).");
        this.auditFailures = (exemplars ? failures : failures.withoutExemplars()).register(registry);
        Info.builder().name("bastion_build_info").help("The running build: version and source commit.")
                .labelNames("version", "commit").register(registry).setLabelValues(build.version(), build.commit());
        GaugeWithCallback.builder().name("bastion_in_flight_requests").help("Requests being handled now.")
                .callback(c -> c.call(inFlight.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("bastion_rate_limits_fallback")
                .help("1 while the shared rate limiter (Redis) cannot be reached and this replica enforces its share.")
                .callback(c -> c.call(limitsFallback.getAsBoolean() ? 1 : 0)).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("bastion_audit_group_commits_total")
                .help("Group commits of the audit log, one write and one fsync each: records over group commits is "
                        + "the records per fsync.")
                .callback(c -> c.call(auditCommits.getAsLong())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** What {@code bastion_audit_group_commits_total} reports: the audit log's group commits so far. */
    public void auditGroupCommits(LongSupplier supplier) {
        auditCommits = Objects.requireNonNull(supplier, "supplier");
    }

    /** Metrics of a development build (tests, tools). */
    public GatewayMetrics() {
        this(BuildInfo.DEVELOPMENT, Tracing.off());
    }

    private LabelCap<CounterDataPoint> counter(String name, String help, String... labels) {
        Counter.Builder b = Counter.builder().name(name).help(help).labelNames(labels);
        Counter c = (exemplars ? b : b.withoutExemplars()).register(registry);
        return new LabelCap<>(labels.length, c::labelValues);
    }

    private LabelCap<DistributionDataPoint> histogram(String name, String help, double[] bounds, String... labels) {
        Histogram.Builder b = Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(bounds)
                .labelNames(labels);
        Histogram h = (exemplars ? b : b.withoutExemplars()).register(registry);
        return new LabelCap<>(labels.length, h::labelValues);
    }

    /** The tracing the stages' spans go to (the server opens each request's span with it). */
    public Tracing tracing() {
        return tracing;
    }

    public void auditFailure() {
        auditFailures.inc();
    }

    /** A request ended; also names its route and model on the request's server span. */
    public void requestFinished(String route, String model, int status, long nanos) {
        Tracing.describeRequest(route, model);
        requests.get(route, model, Integer.toString(status)).inc();
        requestDuration.get(route).observe(nanos / 1e9);
    }

    /**
     * Starts a pipeline stage: closing the returned step records its duration in
     * {@code bastion_stage_duration_seconds} and ends its span (a child of the request's span, current meanwhile,
     * so an upstream call made inside it carries it as the parent in {@code traceparent}).
     */
    public Tracing.Step startStage(String stage) {
        long start = System.nanoTime();
        Tracing.Step span = tracing.startStage(stage);
        return () -> {
            try {
                span.close();
            } finally {
                stage(stage, System.nanoTime() - start);
            }
        };
    }

    public void stage(String stage, long nanos) {
        stageDuration.get(stage).observe(nanos / 1e9);
    }

    public void backend(String backend, String model, long nanos) {
        backendDuration.get(backend, model).observe(nanos / 1e9);
    }

    /** A streamed answer's first token reached the client {@code nanos} after the request arrived. */
    public void timeToFirstToken(String model, long nanos) {
        firstToken.get(model).observe(nanos / 1e9);
    }

    /** A backend produced {@code completionTokens} in {@code nanos}; answers without tokens are not rates. */
    public void generation(String model, long completionTokens, long nanos) {
        if (completionTokens > 0 && nanos > 0) {
            tokenRate.get(model).observe(completionTokens / (nanos / 1e9));
        }
    }

    public void tokens(String model, long prompt, long completion) {
        tokens.get(model, "prompt").inc(Math.max(0, prompt));
        tokens.get(model, "completion").inc(Math.max(0, completion));
    }

    public void refusal(String reason) {
        refusals.get(reason).inc();
    }

    public void scanner(String scanner, long nanos) {
        scannerDuration.get(scanner).observe(nanos / 1e9);
    }

    public void finding(String scanner, String type) {
        findings.get(scanner, type).inc();
    }

    /** A fairness monitor's window left its baseline (see {@code FairnessEndpoints}). */
    public void fairnessAlert(String monitor, String group, String metric) {
        fairnessAlerts.get(monitor, group, metric).inc();
    }

    public void upstreamError(String model, String kind) {
        upstreamErrors.get(model, kind).inc();
    }

    /** What {@code bastion_rate_limits_fallback} reports: whether the shared limiter is unreachable now. */
    public void rateLimitsFallbackGauge(java.util.function.BooleanSupplier supplier) {
        limitsFallback = Objects.requireNonNull(supplier, "supplier");
    }

    public void inFlightGauge(LongSupplier supplier) {
        inFlight = Objects.requireNonNull(supplier, "supplier");
    }

    /** A scrape in the format the scraper's {@code Accept} header asks for, and its content type. */
    public record Scrape(String contentType, byte[] body) {
        public Scrape {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * All metrics, as OpenMetrics text when {@code accept} asks for {@code application/openmetrics-text}, else in the
     * Prometheus text format 0.0.4 (the protobuf format is not offered).
     */
    public Scrape scrape(String accept) {
        ExpositionFormatWriter writer = accept == null ? FORMATS.getPrometheusTextFormatWriter() : FORMATS.findWriter(accept);
        if (writer instanceof PrometheusProtobufWriter || !writer.isAvailable()) {
            writer = FORMATS.getPrometheusTextFormatWriter(); // protobuf would need the client's shaded protobuf jar
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    /** All metrics in the Prometheus text format. */
    public String scrape() {
        return new String(scrape(null).body(), StandardCharsets.UTF_8);
    }
}
