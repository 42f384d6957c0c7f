package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP exchange with an upstream model server, shared by every HTTP backend (OpenAI-compatible chat and
 * embeddings, Anthropic Messages): one JDK HttpClient per connect timeout and protocol, the credential header,
 * timeouts, safe retries, {@code Retry-After}, and error statuses mapped to {@link BackendException}s.
 *
 * <p>Timeouts: {@code connect-timeout} to connect; {@code read-timeout} for the response headers and, in streams,
 * between two events ({@link #watched}), enforced by a watchdog that closes a stalled body. Retries only where the
 * upstream cannot have acted: a failed connection, a 503 (or Anthropic's 529 "overloaded") without
 * {@code Retry-After}, or a 503, 529 or 429 with a short one (at most 2 s), before any body was read; never after a
 * timeout or once a stream started. A longer {@code Retry-After} is not waited out here: it reaches the client
 * (bounded by {@link RetryAfter}). Error messages never contain the upstream credential or the prompt. Thread-safe.
 */
final class UpstreamHttp {
    private static final System.Logger LOG = System.getLogger(UpstreamHttp.class.getName());
    private static final int MAX_ERROR_BODY = 64 * 1024;
    static final long MAX_RESPONSE_BYTES = 64L * 1024 * 1024;
    /** Anthropic's status for an overloaded service; treated as 503. */
    static final int OVERLOADED = 529;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bastion-upstream-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * How a dialect presents itself: the header that carries the credential, what precedes the credential in it,
     * and fixed headers sent with every request.
     */
    record Dialect(String credentialHeader, String credentialPrefix, Map<String, String> headers) {
        static final Dialect OPENAI = new Dialect("Authorization", "Bearer ", Map.of());

        Dialect {
            Objects.requireNonNull(credentialHeader, "credentialHeader");
            Objects.requireNonNull(credentialPrefix, "credentialPrefix");
            headers = Map.copyOf(headers);
        }
    }

    private final Map<String, String> env;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    /** HTTP clients are shared per connect timeout and protocol. */
    private record ClientKey(Duration connectTimeout, boolean plain) {
    }

    /** @param env the environment from which {@code api-key-env} credentials are read */
    UpstreamHttp(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Posts {@code body} to {@code base-url + path} and reads a whole JSON object (at most 64 MiB). */
    ObjectNode postForJson(ModelSettings model, String path, Dialect dialect, ObjectNode body) throws BackendException {
        HttpResponse<byte[]> response = post(model, path, dialect, body,
                HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), MAX_RESPONSE_BYTES));
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not valid JSON");
        }
        if (!(answer instanceof ObjectNode object)) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not a JSON object");
        }
        return object;
    }

    /**
     * Sends with retries where safe and returns a 2xx response. The whole exchange (headers, and the body for
     * handlers that read it all) must finish within the read timeout; a streamed body is watched per event instead.
     */
    <T> HttpResponse<T> post(ModelSettings model, String path, Dialect dialect, ObjectNode body,
            HttpResponse.BodyHandler<T> handler) throws BackendException {
        HttpRequest request = request(model, path, dialect, body);
        boolean plain = "http".equals(model.baseUrl().orElseThrow().getScheme());
        // Plain-HTTP upstreams (Ollama, vLLM, llama.cpp on loopback) speak HTTP/1.1: asking for h2c upgrades on
        // every new connection only costs time. TLS upstreams negotiate HTTP/2 through ALPN.
        HttpClient client = clients.computeIfAbsent(new ClientKey(model.connectTimeout(), plain), k -> HttpClient.newBuilder()
                .connectTimeout(k.connectTimeout())
                .version(k.plain() ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt >= model.maxRetries();
            HttpResponse<T> response;
            CompletableFuture<HttpResponse<T>> pending = client.sendAsync(request, handler);
            try {
                response = pending.get(model.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                throw new BackendException(Kind.TIMEOUT, "no answer within " + model.readTimeout().toMillis() + " ms");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
                    if (last) {
                        throw new BackendException(Kind.UNAVAILABLE, "cannot connect to the upstream ("
                                + cause.getClass().getSimpleName() + ")", 0, false, null);
                    }
                    backoff(attempt, Duration.ZERO);
                    continue;
                }
                if (cause instanceof HttpTimeoutException) {
                    throw new BackendException(Kind.TIMEOUT, "no answer within " + model.readTimeout().toMillis() + " ms");
                }
                if (cause instanceof IOException io && io.getMessage() != null && io.getMessage().contains("limit")) {
                    throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is larger than 64 MiB");
                }
                throw new BackendException(Kind.UNAVAILABLE, "the connection to the upstream failed ("
                        + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")", 0, false, null);
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new BackendException(Kind.UNAVAILABLE, "interrupted while waiting for the upstream");
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response;
            }
            Optional<Duration> retryAfter = response.headers().firstValue("retry-after")
                    .flatMap(v -> RetryAfter.parse(v, Instant.now()));
            boolean unavailable = status == 503 || status == OVERLOADED;
            boolean retryable = (unavailable || status == 429)
                    && retryAfter.map(d -> d.toMillis() <= 2000).orElse(unavailable);
            String detail = errorDetail(model, errorBody(response.body()));
            if (retryable && !last) {
                backoff(attempt, retryAfter.orElse(Duration.ZERO));
                continue;
            }
            throw upstreamError(model, status, detail, retryAfter);
        }
    }

    /** Reads the next event; a read that stalls longer than the read timeout closes the stream. */
    static Optional<String> watched(ModelSettings model, InputStream in, SseReader events)
            throws IOException, BackendException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> timer = WATCHDOG.schedule(() -> {
            fired.set(true);
            closeQuietly(in);
        }, model.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return events.next();
        } catch (IOException e) {
            if (fired.get()) {
                throw new BackendException(Kind.TIMEOUT, "the upstream stalled for longer than "
                        + model.readTimeout().toMillis() + " ms", 0, true, null);
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    /** Up to 64 KiB of an error response's body, whatever the body handler. */
    private static byte[] errorBody(Object body) {
        if (body instanceof byte[] bytes) {
            return bytes.length > MAX_ERROR_BODY ? java.util.Arrays.copyOf(bytes, MAX_ERROR_BODY) : bytes;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readNBytes(MAX_ERROR_BODY);
            } catch (IOException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    private HttpRequest request(ModelSettings model, String path, Dialect dialect, ObjectNode body)
            throws BackendException {
        URI base = model.baseUrl().orElseThrow();
        String url = base.toString().replaceAll("/+$", "") + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(model.readTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        dialect.headers().forEach(b::header);
        dev.bastion.gateway.telemetry.Tracing.inject(b::header); // the upstream joins the request's trace
        if (model.apiKey().isPresent()) {
            String key;
            try {
                key = model.apiKey().get().resolve(env).toUtf8(InsecureSecretAccess.get());
            } catch (IllegalStateException e) {
                throw new BackendException(Kind.UPSTREAM_AUTH, "the credential for model '" + model.name()
                        + "' is not available (" + model.apiKey().get().describe() + ")");
            }
            b.header(dialect.credentialHeader(), dialect.credentialPrefix() + key);
        }
        return b.build();
    }

    private static BackendException upstreamError(ModelSettings model, int status, String detail,
            Optional<Duration> retryAfter) {
        if (status == 401 || status == 403) {
            return new BackendException(Kind.UPSTREAM_AUTH, "the upstream rejected the gateway's credentials for model '"
                    + model.name() + "'", status, false, null);
        }
        if (status >= 500) {
            return new BackendException(Kind.UPSTREAM_ERROR, "the upstream returned " + status, status, false, null,
                    retryAfter);
        }
        return new BackendException(Kind.UPSTREAM_ERROR, "the upstream returned " + status
                + (detail.isEmpty() ? "" : ": " + detail), status, false, null, retryAfter);
    }

    /**
     * The upstream's error message, if it sent an error object with a message ({@code error.message}, the shape of
     * both OpenAI's and Anthropic's errors): truncated, with the credential removed. Anything else in the body is
     * dropped, since it may echo the prompt.
     */
    private String errorDetail(ModelSettings model, byte[] bytes) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            String message = node == null ? "" : node.path("error").path("message").asText("");
            if (model.apiKey().isPresent() && !message.isEmpty()) {
                try {
                    String key = model.apiKey().get().resolve(env).toUtf8(InsecureSecretAccess.get());
                    if (!key.isEmpty()) {
                        message = message.replace(key, "[credential]");
                    }
                } catch (IllegalStateException ignored) {
                    // no credential available: nothing to strip
                }
            }
            message = message.replaceAll("(?i)(sk|bsk|key)[-_][A-Za-z0-9_-]{8,}", "[credential]");
            return message.length() > 500 ? message.substring(0, 500) + "..." : message;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void backoff(int attempt, Duration hint) throws BackendException {
        long millis = Math.max(hint.toMillis(), 100L << Math.min(attempt, 4));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(Kind.UNAVAILABLE, "interrupted while waiting to retry");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a stalled upstream body failed");
        }
    }
}
