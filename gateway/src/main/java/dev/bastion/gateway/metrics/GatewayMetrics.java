package dev.bastion.gateway.metrics;

import java.util.function.LongSupplier;

/**
 * The gateway's metrics, registered once, with typed methods for each event. Labels are routes, model names from
 * the configuration, stage and scanner ids, finding types, status codes and refusal codes: never prompt text,
 * keys or matched values. Model labels on requests are the client's model name only once it was validated
 * against the configuration; before that they are {@code none}. Thread-safe.
 */
public final class GatewayMetrics {
    /** Latency buckets in seconds, from 100 µs (gateway overhead) to two minutes (long generations). */
    static final double[] LATENCY = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5, 5, 10, 30, 60, 120};

    private final Metrics registry = new Metrics();
    private final Metrics.Counter requests = registry.counter("bastion_requests_total",
            "Requests answered, by route, model and HTTP status.", "route", "model", "status");
    private final Metrics.Histogram requestDuration = registry.histogram("bastion_request_duration_seconds",
            "Time from request to the end of the response, by route.", LATENCY, "route");
    private final Metrics.Histogram stageDuration = registry.histogram("bastion_stage_duration_seconds",
            "Time spent in each pipeline stage.", LATENCY, "stage");
    private final Metrics.Histogram backendDuration = registry.histogram("bastion_backend_duration_seconds",
            "Time spent waiting for a backend, by backend and model.", LATENCY, "backend", "model");
    private final Metrics.Counter tokens = registry.counter("bastion_tokens_total",
            "Tokens processed, by model and kind (prompt or completion).", "model", "kind");
    private final Metrics.Counter refusals = registry.counter("bastion_refusals_total",
            "Requests refused, by reason (the error code sent to the client).", "reason");
    private final Metrics.Histogram scannerDuration = registry.histogram("bastion_scanner_duration_seconds",
            "Time spent in each scanner.", LATENCY, "scanner");
    private final Metrics.Counter findings = registry.counter("bastion_findings_total",
            "Scanner findings, by scanner and finding type.", "scanner", "type");
    private final Metrics.Counter upstreamErrors = registry.counter("bastion_upstream_errors_total",
            "Backend failures, by model and kind.", "model", "kind");
    private final Metrics.Counter auditFailures = registry.counter("bastion_audit_append_failures_total",
            "Audit records that could not be written (the gateway refuses requests while the log is not writable).");
    private final Metrics.Gauge inFlight = registry.gauge("bastion_in_flight_requests", "Requests being handled now.");

    public void auditFailure() {
        auditFailures.inc();
    }

    public void requestFinished(String route, String model, int status, long nanos) {
        requests.inc(route, model, Integer.toString(status));
        requestDuration.observeNanos(nanos, route);
    }

    public void stage(String stage, long nanos) {
        stageDuration.observeNanos(nanos, stage);
    }

    public void backend(String backend, String model, long nanos) {
        backendDuration.observeNanos(nanos, backend, model);
    }

    public void tokens(String model, long prompt, long completion) {
        tokens.add(Math.max(0, prompt), model, "prompt");
        tokens.add(Math.max(0, completion), model, "completion");
    }

    public void refusal(String reason) {
        refusals.inc(reason);
    }

    public void scanner(String scanner, long nanos) {
        scannerDuration.observeNanos(nanos, scanner);
    }

    public void finding(String scanner, String type) {
        findings.inc(scanner, type);
    }

    public void upstreamError(String model, String kind) {
        upstreamErrors.inc(model, kind);
    }

    public void inFlightGauge(LongSupplier supplier) {
        inFlight.set(supplier);
    }

    public String scrape() {
        return registry.scrape();
    }
}
