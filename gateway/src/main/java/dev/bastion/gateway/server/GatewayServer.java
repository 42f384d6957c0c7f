package dev.bastion.gateway.server;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.dialect.CompletionsDialect;
import dev.bastion.gateway.api.dialect.Dialect;
import dev.bastion.gateway.api.dialect.DialectExchange;
import dev.bastion.gateway.api.dialect.MessagesDialect;
import dev.bastion.gateway.api.dialect.ResponsesDialect;
import dev.bastion.gateway.config.ServerSettings;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.gateway.pipeline.ChatEndpoint;
import dev.bastion.gateway.pipeline.Pipeline;
import dev.bastion.gateway.telemetry.Tracing;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/**
 * The HTTP face of the gateway: Helidon SE on virtual threads, its routes, the body limit, and a graceful stop
 * that refuses new requests and waits for in-flight ones.
 *
 * <p>Routes: {@code POST /v1/chat/completions}; {@code POST /v1/responses}, {@code POST /v1/completions} and
 * {@code POST /v1/messages} (Anthropic), which are translated onto the chat pipeline by a {@link Dialect};
 * {@code POST /v1/embeddings}, {@code POST /v1/moderations}, {@code GET /v1/models}, {@code GET /v1/models/{id}},
 * {@code /admin/v1/keys...}, {@code GET /admin/v1/usage}, {@code /admin/v1/fairness/...}, {@code GET /healthz},
 * {@code GET /readyz},
 * {@code GET /metrics}; anything else is a 404 in OpenAI's error shape.
 */
public final class GatewayServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GatewayServer.class.getName());

    private final WebServer server;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Duration grace;

    /** The endpoints' implementations. */
    public record Handlers(Pipeline pipeline, ChatEndpoint chat, OpenAiEndpoints openai, AdminEndpoints admin,
            GatewayMetrics metrics, BooleanSupplier storeReady, FairnessEndpoints fairness) {
        public Handlers {
            Objects.requireNonNull(fairness, "fairness");
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(chat, "chat");
            Objects.requireNonNull(openai, "openai");
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(storeReady, "storeReady");
        }
    }

    /*
     * Why protocolsDiscoverServices(false) (Helidon 4.2.0 and 4.5.0 alike): with discovery on, the listener gets the
     * discovered HTTP/1.1 protocol as well as the one added below, so it has two connection selectors. With more
     * than one, Helidon waits for the first bytes to pick one, and that wait has no timeout: a socket that never
     * sends a byte is held for ever (idle-timeout only covers connections handed to a protocol), and 10,000 of them
     * exhaust max-connections. With exactly one selector Helidon hands the socket to HTTP/1.1 at once, so
     * idle-timeout closes silent sockets, and HTTP/1.0 requests get HTTP/1.1's "505 HTTP Version Not Supported"
     * and a close instead of a silent close.
     *
     * Why Helidon 4.5.0 (parent pom): on 4.2.0 a silent socket on the TLS listener was still held for ever (the
     * handshake ran before any idle check), and a failed handshake left its socket open and its max-connections
     * permit taken. HttpEdgeTest and SilentConnectionsTest hold all of this with raw sockets. Helidon 4.4.0 (tried
     * in round fifteen for helidon#12324) fails 7 of HttpEdgeTest's 19 tests and both of SilentConnectionsTest's, and
     * keeps Connection: close connections open as 4.5.0 does: ConnectionClose does that part instead.
     */
    /**
     * A second listener on the same web server, named {@value #ADMIN_SOCKET}, with routes of its own (the admin
     * console): none of the API's routes or filters apply to it.
     *
     * @param host interface to bind
     * @param port TCP port; 0 picks a free one
     * @param routes registers the listener's routes
     */
    public record AdminSocket(String host, int port, java.util.function.Consumer<HttpRouting.Builder> routes) {
        public AdminSocket {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(routes, "routes");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
        }
    }

    /** The name of the admin listener in Helidon's configuration. */
    public static final String ADMIN_SOCKET = "admin";

    private final boolean hasAdminSocket;

    private GatewayServer(ServerSettings settings, SSLContext tls, Handlers handlers,
            java.util.Optional<AdminSocket> admin) {
        this.grace = settings.shutdownGrace();
        long limit = settings.maxBodyBytes();
        var builder = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .shutdownHook(false)
                .maxPayloadSize(-1)
                .shutdownGracePeriod(settings.shutdownGrace())
                .idleConnectionTimeout(settings.idleTimeout())
                .idleConnectionPeriod(Duration.ofMillis(Math.max(250, Math.min(settings.idleTimeout().toMillis() / 2, 10_000))))
                .maxTcpConnections(settings.maxConnections())
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder().addReceiveListener(new ReadDeadline(settings.readTimeout())).build())
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> routes(r, handlers, limit));
        if (tls != null) {
            builder.tls(t -> t.sslContext(tls));
        }
        admin.ifPresent(a -> builder.putSocket(ADMIN_SOCKET, socket -> {
            socket.host(a.host()).port(a.port())
                    .maxPayloadSize(limit)
                    .idleConnectionTimeout(settings.idleTimeout())
                    .idleConnectionPeriod(Duration.ofMillis(Math.max(250, Math.min(settings.idleTimeout().toMillis() / 2, 10_000))))
                    .maxTcpConnections(1000)
                    .protocolsDiscoverServices(false)
                    .addProtocol(Http1Config.builder().addReceiveListener(new ReadDeadline(settings.readTimeout())).build())
                    .routing(rb -> {
                        rb.addFilter((chain, req, res) -> {
                            if (ConnectionClose.requested(req.headers())) {
                                res.header(HeaderNames.CONNECTION, "close");
                            }
                            chain.proceed();
                            ConnectionClose.afterResponse(res);
                        });
                        a.routes().accept(rb);
                    });
            if (tls != null) {
                socket.tls(t -> t.sslContext(tls));
            }
        }));
        this.hasAdminSocket = admin.isPresent();
        handlers.metrics().inFlightGauge(inFlight::get);
        this.server = builder.build();
    }

    /** Builds and starts the server. */
    public static GatewayServer start(ServerSettings settings, SSLContext tls, Handlers handlers) {
        return start(settings, tls, handlers, java.util.Optional.empty());
    }

    /** Builds and starts the server, with the admin listener when one is given. */
    public static GatewayServer start(ServerSettings settings, SSLContext tls, Handlers handlers,
            java.util.Optional<AdminSocket> admin) {
        GatewayServer s = new GatewayServer(settings, tls, handlers, admin);
        s.server.start();
        return s;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    /** The bound port of the admin listener, if there is one. */
    public java.util.OptionalInt adminPort() {
        return hasAdminSocket ? java.util.OptionalInt.of(server.port(ADMIN_SOCKET)) : java.util.OptionalInt.empty();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Every API request: draining and framing checks, the request id, the in-flight count, the trace span. */
    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res, Handlers h) {
        if (draining.get() && !req.path().path().equals("/healthz")) {
            ReadDeadline.disarm();
            res.header(HeaderNames.CONNECTION, "close");
            Responses.error(res, ApiError.unavailable("shutting_down",
                    "The gateway is shutting down; retry on another instance or in a moment."));
            return;
        }
        var badFraming = Framing.check(req.headers());
        if (badFraming.isPresent()) {
            ReadDeadline.disarm();
            res.header(HeaderNames.CONNECTION, "close");
            Responses.error(res, badFraming.get());
            return;
        }
        inFlight.incrementAndGet();
        String id = requestId(req);
        res.header(X_REQUEST_ID, id);
        if (!req.content().hasEntity()) {
            ReadDeadline.disarm();
        }
        String path = req.path().path();
        boolean probe = path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
        try (Tracing.ServerSpan span = probe ? null : h.metrics().tracing().startRequest(req.prologue().method().text(),
                path, name -> firstHeader(req, name), id)) {
            try {
                chain.proceed();
            } finally {
                if (span != null) {
                    span.status(res.status().code());
                }
            }
        } finally {
            ReadDeadline.disarm();
            inFlight.decrementAndGet();
        }
    }

    private void routes(HttpRouting.Builder r, Handlers h, long limit) {
        r.addFilter((chain, req, res) -> {
            if (ConnectionClose.requested(req.headers())) {
                res.header(HeaderNames.CONNECTION, "close");
            }
            ScopedValue.where(REQUEST_ID, newRequestId()).run(() -> filter(chain, req, res, h));
            ConnectionClose.afterResponse(res);
        });
        r.post("/v1/chat/completions", (req, res) -> withBody(req, res, limit,
                body -> h.pipeline().handle(new HelidonExchange(req, res, requestId(req), body), h.chat())));
        r.post("/v1/responses", (req, res) -> viaDialect(req, res, limit, h,
                new ResponsesDialect("resp_" + idSuffix(req), nowSeconds())));
        r.post("/v1/completions", (req, res) -> viaDialect(req, res, limit, h,
                new CompletionsDialect("cmpl-" + idSuffix(req), nowSeconds())));
        r.post("/v1/messages", (req, res) -> viaDialect(req, res, limit, h, new MessagesDialect("msg_" + idSuffix(req))));
        r.post("/v1/embeddings", (req, res) -> withBody(req, res, limit,
                body -> h.openai().embeddings(new HelidonExchange(req, res, requestId(req), body))));
        r.post("/v1/moderations", (req, res) -> withBody(req, res, limit,
                body -> h.openai().moderations(new HelidonExchange(req, res, requestId(req), body))));
        r.get("/v1/models", (req, res) -> guarded(res, () -> h.openai().models(new HelidonExchange(req, res, requestId(req), new byte[0]))));
        r.get("/v1/models/{id}", (req, res) -> guarded(res, () -> h.openai().model(new HelidonExchange(req, res,
                requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.get("/admin/v1/keys", (req, res) -> guarded(res, () -> h.admin().listKeys(new HelidonExchange(req, res, requestId(req), new byte[0]))));
        r.post("/admin/v1/keys", (req, res) -> withBody(req, res, limit,
                body -> h.admin().createKey(new HelidonExchange(req, res, requestId(req), body))));
        r.post("/admin/v1/keys/{id}/revoke", (req, res) -> guarded(res, () -> h.admin().revokeKey(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.delete("/admin/v1/keys/{id}", (req, res) -> guarded(res, () -> h.admin().revokeKey(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.post("/admin/v1/keys/{id}/rotate", (req, res) -> guarded(res, () -> h.admin().rotateKey(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.get("/admin/v1/subjects/{id}/export", (req, res) -> guarded(res, () -> h.admin().exportSubject(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.delete("/admin/v1/subjects/{id}", (req, res) -> guarded(res, () -> h.admin().eraseSubject(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.get("/admin/v1/requests/{id}", (req, res) -> guarded(res, () -> h.admin().explain(
                new HelidonExchange(req, res, requestId(req), new byte[0]), req.path().pathParameters().get("id"))));
        r.get("/admin/v1/usage", (req, res) -> guarded(res, () -> h.admin().usage(
                new HelidonExchange(req, res, requestId(req), new byte[0]),
                req.query().first("tenant").asOptional(), req.query().first("key").asOptional())));
        r.post("/admin/v1/fairness/outcomes", (req, res) -> withBody(req, res, limit,
                body -> h.fairness().outcomes(new HelidonExchange(req, res, requestId(req), body))));
        r.get("/admin/v1/fairness/status", (req, res) -> guarded(res, () -> h.fairness().status(
                new HelidonExchange(req, res, requestId(req), new byte[0]))));
        r.get("/healthz", (req, res) -> Responses.json(res, 200, Health.status("ok")));
        r.get("/readyz", (req, res) -> {
            boolean ready = !draining.get() && h.storeReady().getAsBoolean();
            Responses.json(res, ready ? 200 : 503, Health.status(ready ? "ready" : "not ready"));
        });
        r.get("/metrics", (req, res) -> {
            GatewayMetrics.Scrape scrape = h.metrics().scrape(String.join(",", req.headers().all(HeaderNames.ACCEPT, java.util.List::of)));
            res.header(HeaderNames.CONTENT_TYPE, scrape.contentType());
            res.send(scrape.body());
        });
        r.route(m -> true, io.helidon.http.PathMatchers.any(), (req, res) -> notFound(req, res));
        r.error(Throwable.class, (req, res, e) -> {
            // outside the filter's scope: the id the filter sent with this response, if it is still there
            String id = REQUEST_ID.isBound() ? REQUEST_ID.get()
                    : res.headers().first(X_REQUEST_ID).orElseGet(GatewayServer::newRequestId);
            LOG.log(System.Logger.Level.ERROR, "unhandled error in request " + id, e);
            if (!res.isSent()) {
                Responses.error(res, ApiError.internal(id));
            }
        });
    }

    private static java.util.Optional<String> firstHeader(ServerRequest req, String name) {
        java.util.List<String> values = req.headers().all(HeaderNames.create(name), java.util.List::of);
        return values.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(values.getFirst());
    }

    private static void notFound(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        boolean known = path.equals("/v1/chat/completions") || path.equals("/v1/responses") || path.equals("/v1/completions")
                || path.equals("/v1/messages") || path.equals("/v1/embeddings") || path.equals("/v1/models")
                || path.equals("/v1/moderations")
                || path.startsWith("/v1/models/") || path.startsWith("/admin/v1/") || path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
        if (known && req.prologue().method() != Method.GET && req.prologue().method() != Method.POST) {
            Responses.error(res, ApiError.methodNotAllowed(req.prologue().method().text(), path));
            return;
        }
        Responses.error(res, ApiError.notFound("unknown_url", "Unknown request URL: " + req.prologue().method().text()
                + " " + (path.length() > 200 ? path.substring(0, 200) + "..." : path) + "."));
    }

    private static void withBody(ServerRequest req, ServerResponse res, long limit, java.util.function.Consumer<byte[]> handler) {
        byte[] body;
        try {
            body = BodyReader.read(req, limit);
        } catch (Refusal r) {
            res.header(HeaderNames.CONNECTION, "close");
            Responses.error(res, r.error());
            return;
        }
        guarded(res, () -> handler.accept(body));
    }

    /**
     * Another API over the chat pipeline: the request and everything sent back go through {@code dialect}, including
     * the errors of reading the body (too large, wrong content type), which are in the dialect's error shape.
     */
    private static void viaDialect(ServerRequest req, ServerResponse res, long limit, Handlers h, Dialect dialect) {
        byte[] body;
        try {
            body = BodyReader.read(req, limit);
        } catch (Refusal r) {
            res.header(HeaderNames.CONNECTION, "close");
            new DialectExchange(new HelidonExchange(req, res, requestId(req), new byte[0]), dialect).respondError(r.error());
            return;
        }
        h.pipeline().handle(new DialectExchange(new HelidonExchange(req, res, requestId(req), body), dialect), h.chat());
    }

    /** The random part of the request id, reused in the ids of dialect answers ({@code resp_}, {@code msg_}). */
    private static String idSuffix(ServerRequest req) {
        String id = requestId(req);
        return id.startsWith("req_") ? id.substring(4) : id;
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    private static void guarded(ServerResponse res, Runnable handler) {
        try {
            handler.run();
        } catch (Refusal r) {
            if (!res.isSent()) {
                Responses.error(res, r.error());
            }
        }
    }

    static String requestId(ServerRequest req) {
        if (REQUEST_ID.isBound()) {
            return REQUEST_ID.get();
        }
        throw new IllegalStateException("a request id asked for outside the API filter: " + req.path().path());
    }

    /*
     * The request id is bound by the API filter for the rest of the request (handlers run inside the filter, on its
     * thread), instead of being kept in Helidon's request context: creating that context (a map, a lock and a
     * parent look-up per request) cost ~1.6% of a proxied request's CPU in round fifteen's profile, for one string.
     */
    private static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
    private static final io.helidon.http.HeaderName X_REQUEST_ID = HeaderNames.create("x-request-id");

    /** A new id. Always the gateway's own: audit records and explanations are looked up by it, so a client must not
     * be able to choose or reuse one. */
    private static String newRequestId() {
        return "req_" + HexFormat.of().formatHex(randomBytes());
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /**
     * Stops gracefully: new requests get 503 at once, in-flight requests get up to the shutdown grace period to
     * finish, then the listener closes.
     */
    @Override
    public void close() {
        draining.set(true);
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(System.Logger.Level.WARNING, inFlight.get() + " requests still running after the "
                    + grace.toSeconds() + " s grace period; stopping anyway");
        }
        server.stop();
    }
}
