package dev.bastion.gateway.telemetry;

import dev.bastion.gateway.config.TelemetrySettings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * OpenTelemetry tracing for the gateway: a server span per request, a child span per pipeline stage, and the W3C
 * {@code traceparent}/{@code tracestate} of the current span for upstream calls.
 *
 * <p>Off (no {@code telemetry.otlp-endpoint}) the tracer is OpenTelemetry's no-op: no span is recorded or exported
 * and stages cost nothing, but a {@code traceparent} the client sent is still passed on upstream unchanged, as a
 * W3C intermediary should. Spans carry the route template, method, status, route and model names and the request
 * id: never prompt text, URL paths with ids in them, keys or matched values. Thread-safe; one per gateway.
 */
public final class Tracing implements AutoCloseable {
    /** The gateway's request id in the request's OpenTelemetry context (the JSON log formatter reads it). */
    public static final ContextKey<String> REQUEST_ID = ContextKey.named("bastion.request-id");

    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> REQUEST_ID_ATTRIBUTE = AttributeKey.stringKey("bastion.request_id");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("bastion.route");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("bastion.model");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Function<String, Optional<String>>> HEADERS = new TextMapGetter<>() {
        @Override
        public String get(Function<String, Optional<String>> carrier, String key) {
            return carrier == null ? null : carrier.apply(key).orElse(null);
        }
    };
    private static final Step NOTHING = () -> { };

    private final Tracer tracer;
    private final boolean recording;
    private final Runnable shutdown;

    private Tracing(Tracer tracer, boolean recording, Runnable shutdown) {
        this.tracer = tracer;
        this.recording = recording;
        this.shutdown = shutdown;
    }

    /** No spans recorded or exported; client trace context still passed upstream. */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop().getTracer("dev.bastion.gateway"), false, () -> { });
    }

    /** Tracing through a given OpenTelemetry (tests pass an SDK with an in-memory exporter). */
    public static Tracing with(OpenTelemetry openTelemetry) {
        return new Tracing(openTelemetry.getTracer("dev.bastion.gateway"), true, () -> { });
    }

    /** Tracing as configured: off without an OTLP endpoint, else an SDK exporting in batches over OTLP/HTTP. */
    public static Tracing from(TelemetrySettings settings, BuildInfo build) {
        Optional<java.net.URI> url = settings.tracesUrl();
        if (url.isEmpty()) {
            return off();
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(url.get().toString()).build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), settings.serviceName(),
                AttributeKey.stringKey("service.version"), build.version())));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplingRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3C)).build();
        return new Tracing(sdk.getTracer("dev.bastion.gateway", build.version()), true,
                () -> provider.shutdown().join(10, TimeUnit.SECONDS));
    }

    /** Whether spans are recorded (an endpoint or test SDK is configured). */
    public boolean recording() {
        return recording;
    }

    /**
     * Starts the server span of a request and makes it (and the request id) current on this thread until the
     * returned handle closes. The parent is the client's {@code traceparent}, when valid. Not recording, no span is
     * started: the client's span context, if any, is made current so that it still reaches the upstream.
     *
     * @param path the request path; only its route template ({@link RouteTemplates}) reaches the span
     * @param headers the request's headers by name
     */
    public ServerSpan startRequest(String method, String path, Function<String, Optional<String>> headers,
            String requestId) {
        Context parent = W3C.extract(Context.root(), headers, HEADERS).with(REQUEST_ID, requestId);
        if (!recording) {
            return new ServerSpan(Span.fromContext(parent), parent.makeCurrent());
        }
        Optional<String> route = RouteTemplates.of(path);
        Span span = tracer.spanBuilder(route.map(r -> method + " " + r).orElse(method)).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setAttribute(HTTP_METHOD, method)
                .setAttribute(REQUEST_ID_ATTRIBUTE, requestId).startSpan();
        route.ifPresent(r -> span.setAttribute(HTTP_ROUTE, r));
        return new ServerSpan(span, parent.with(span).makeCurrent());
    }

    /** A child span of the current one for a pipeline stage, current until closed; nothing when not recording. */
    public Step startStage(String name) {
        if (!recording) {
            return NOTHING;
        }
        Span span = tracer.spanBuilder(name).startSpan();
        Scope scope = span.makeCurrent();
        return () -> {
            scope.close();
            span.end();
        };
    }

    /** Labels the current request's server span with its route and model, once they are known. */
    public static void describeRequest(String route, String model) {
        Span span = Span.current();
        if (span.isRecording()) {
            span.setAttribute(ROUTE, route);
            span.setAttribute(MODEL, model);
        }
    }

    /** Adds {@code traceparent} (and {@code tracestate}) of the current span to an outgoing request. */
    public static void inject(BiConsumer<String, String> header) {
        Objects.requireNonNull(header, "header");
        W3C.inject(Context.current(), header, (carrier, key, value) -> carrier.accept(key, value));
    }

    /** A span in progress that closing ends (and stops being current). */
    @FunctionalInterface
    public interface Step extends AutoCloseable {
        @Override
        void close();
    }

    /** A request's server span; closing it ends the span and restores the thread's previous context. */
    public static final class ServerSpan implements AutoCloseable {
        private final Span span;
        private final Scope scope;

        private ServerSpan(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** Records the response status; 5xx marks the span as failed. */
        public void status(int status) {
            if (!span.isRecording()) {
                return;
            }
            span.setAttribute(HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    /** Flushes and stops the exporter, if any. */
    @Override
    public void close() {
        shutdown.run();
    }
}
