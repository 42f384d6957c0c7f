package dev.bastion.gateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Any OpenAI-compatible upstream (OpenAI, Ollama, vLLM, a llama.cpp server, another Bastion) over the JDK
 * HttpClient.
 *
 * <p>Timeouts: {@code connect-timeout} to connect; {@code read-timeout} for the response headers and, in streams,
 * between two lines, enforced by a watchdog that closes a stalled body. Retries only where the upstream cannot have
 * acted: a failed connection, a 503 without {@code Retry-After}, or a 503 or 429 with a short one (at most 2 s),
 * before any body was read; never after a timeout or once a stream started. A longer {@code Retry-After} is not
 * waited out here: it reaches the client unchanged (bounded by {@link RetryAfter}). Error messages never contain the upstream credential or
 * the prompt. Thread-safe.
 */
public final class OpenAiBackend implements ChatBackend {
    private static final System.Logger LOG = System.getLogger(OpenAiBackend.class.getName());
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final long MAX_RESPONSE_BYTES = 64L * 1024 * 1024;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bastion-upstream-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, String> env;
    private final Map<ClientKey, HttpClient> clients = new ConcurrentHashMap<>();

    /** HTTP clients are shared per connect timeout and protocol. */
    private record ClientKey(Duration connectTimeout, boolean plain) {
    }

    /** @param env the environment from which {@code api-key-env} credentials are read */
    public OpenAiBackend(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        ObjectNode body = request.deepCopy();
        body.put("model", model.upstreamModel());
        body.remove("stream");
        body.remove("stream_options");
        HttpResponse<byte[]> response = send(model, body,
                HttpResponse.BodyHandlers.limiting(HttpResponse.BodyHandlers.ofByteArray(), MAX_RESPONSE_BYTES));
        byte[] bytes = response.body();
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not valid JSON");
        }
        if (!(answer instanceof ObjectNode object) || !answer.path("choices").isArray()) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer has no 'choices' array");
        }
        return object;
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        ObjectNode body = request.deepCopy();
        body.put("model", model.upstreamModel());
        body.put("stream", true);
        HttpResponse<InputStream> response = send(model, body, HttpResponse.BodyHandlers.ofInputStream());
        if (response.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
            replayAsStream(model, response, sink);
            return;
        }
        int delivered = 0;
        try (InputStream in = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            SseReader events = new SseReader(reader);
            while (true) {
                Optional<String> event = watched(model, in, events);
                if (event.isEmpty()) {
                    throw new BackendException(Kind.UNAVAILABLE, "the upstream closed the stream before it ended",
                            0, delivered > 0, null);
                }
                String data = event.get().strip();
                if (data.equals("[DONE]")) {
                    return;
                }
                ObjectNode chunk = parseChunk(data, delivered);
                if (chunk == null) {
                    continue;
                }
                delivered++;
                if (!sink.accept(chunk)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new BackendException(Kind.UNAVAILABLE, "the upstream stream broke off", 0, delivered > 0, null);
        }
    }

    /**
     * Some OpenAI-compatible servers ignore {@code stream: true} and send one complete answer: it is replayed as a
     * stream (a chunk per choice with its whole content, then the usage), so clients still get a stream.
     */
    private static void replayAsStream(ModelSettings model, HttpResponse<InputStream> response, ChunkSink sink)
            throws BackendException {
        JsonNode answer;
        try (InputStream in = response.body()) {
            answer = Json.MAPPER.readTree(in.readNBytes((int) MAX_RESPONSE_BYTES));
        } catch (IOException e) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not valid JSON");
        }
        if (!answer.path("choices").isArray()) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer has no 'choices' array");
        }
        for (JsonNode choice : answer.path("choices")) {
            ObjectNode chunk = Json.MAPPER.createObjectNode();
            chunk.put("id", answer.path("id").asText("chatcmpl-" + model.name()));
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", answer.path("created").asLong(0));
            chunk.put("model", answer.path("model").asText(model.upstreamModel()));
            ObjectNode c = chunk.putArray("choices").addObject();
            c.put("index", choice.path("index").asInt(0));
            c.set("delta", choice.path("message").deepCopy());
            c.set("finish_reason", choice.path("finish_reason").deepCopy());
            if (!sink.accept(chunk)) {
                return;
            }
        }
        if (answer.has("usage")) {
            ObjectNode usage = Json.MAPPER.createObjectNode();
            usage.put("id", answer.path("id").asText("chatcmpl-" + model.name()));
            usage.put("object", "chat.completion.chunk");
            usage.put("created", answer.path("created").asLong(0));
            usage.putArray("choices");
            usage.set("usage", answer.get("usage").deepCopy());
            sink.accept(usage);
        }
    }

    /** Reads the next event; a read that stalls longer than the read timeout closes the stream. */
    private static Optional<String> watched(ModelSettings model, InputStream in, SseReader events)
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

    private static ObjectNode parseChunk(String data, int delivered) throws BackendException {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream sent an event that is not JSON", 0, delivered > 0, null);
        }
        if (node instanceof ObjectNode o && o.has("error") && !o.has("choices")) {
            throw new BackendException(Kind.UPSTREAM_ERROR, "the upstream reported an error in the stream", 0, delivered > 0, null);
        }
        return node instanceof ObjectNode o ? o : null;
    }

    /**
     * Sends with retries where safe and returns a 2xx response. The whole exchange (headers, and the body for
     * handlers that read it all) must finish within the read timeout; a streamed body is watched per line instead.
     */
    private <T> HttpResponse<T> send(ModelSettings model, ObjectNode body, HttpResponse.BodyHandler<T> handler)
            throws BackendException {
        HttpRequest request = request(model, body);
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
                    .flatMap(v -> RetryAfter.parse(v, java.time.Instant.now()));
            boolean retryable = (status == 503 || status == 429)
                    && retryAfter.map(d -> d.toMillis() <= 2000).orElse(status == 503);
            String detail = errorDetail(model, errorBody(response.body()));
            if (retryable && !last) {
                backoff(attempt, retryAfter.orElse(Duration.ZERO));
                continue;
            }
            throw upstreamError(model, status, detail, retryAfter);
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

    private HttpRequest request(ModelSettings model, ObjectNode body) throws BackendException {
        URI base = model.baseUrl().orElseThrow();
        String url = base.toString().replaceAll("/+$", "") + "/chat/completions";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(model.readTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        dev.bastion.gateway.telemetry.Tracing.inject(b::header); // the upstream joins the request's trace
        if (model.apiKey().isPresent()) {
            String key;
            try {
                key = model.apiKey().get().resolve(env).toUtf8(InsecureSecretAccess.get());
            } catch (IllegalStateException e) {
                throw new BackendException(Kind.UPSTREAM_AUTH, "the credential for model '" + model.name()
                        + "' is not available (" + model.apiKey().get().describe() + ")");
            }
            b.header("Authorization", "Bearer " + key);
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
     * The upstream's error message, if it sent an OpenAI-shaped error: truncated, with the credential removed.
     * Anything else in the body is dropped, since it may echo the prompt.
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
