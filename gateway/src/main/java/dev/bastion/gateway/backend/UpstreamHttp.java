package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.watchdog.ReadDeadlines;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP exchange with an upstream model server, shared by every HTTP backend (OpenAI-compatible chat and
 * embeddings, Anthropic Messages): the transport ({@link UpstreamTransport}), the credential header,
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
    private static final int MAX_ERROR_BODY = 64 * 1024;
    static final long MAX_RESPONSE_BYTES = 64L * 1024 * 1024;
    /** Anthropic's status for an overloaded service; treated as 503. */
    static final int OVERLOADED = 529;
    /** The upstream watchdog: closes a body whose read outlives the read timeout (no timer per read). */
    private static final ReadDeadlines WATCHDOG = ReadDeadlines.SHARED;

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
    private final String clientChoice;
    private final JdkUpstream jdk = new JdkUpstream();
    private final HelidonUpstream helidon = new HelidonUpstream();
    /**
     * Each upstream URL (a model's base URL and an endpoint's path), parsed once: {@code URI.create} of the joined
     * string was most of building an upstream request (docs/benchmarks.md, gateway overhead, round seventeen). The
     * base URLs come from the configuration and the paths are the backends' constants, so this stays small; it is
     * emptied should it ever pass {@link #MAX_URLS}. Keyed by the base URL's text, not the URI: {@code URI.equals}
     * ignores the case of the host, and the URL sent must be the one configured, letter for letter.
     */
    private final Map<String, Map<String, URI>> urls = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_URLS = 1024;

    /**
     * @param env the environment from which {@code api-key-env} credentials are read
     * @param client {@code server.upstream-client}: {@code auto} or {@code jdk} (see {@link UpstreamTransport})
     */
    UpstreamHttp(Map<String, String> env, String client) {
        this.env = Map.copyOf(env);
        if (!client.equals("auto") && !client.equals("jdk")) {
            throw new IllegalArgumentException("server.upstream-client must be 'auto' or 'jdk', not '" + client + "'");
        }
        this.clientChoice = client;
    }

    /** Posts {@code body} to {@code base-url + path} and reads a whole JSON object (at most 64 MiB). */
    ObjectNode postForJson(ModelSettings model, String path, Dialect dialect, ObjectNode body) throws BackendException {
        UpstreamTransport.Reply reply = post(model, path, dialect, body);
        byte[] bytes = readWhole(model, reply);
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not valid JSON");
        }
        if (!(answer instanceof ObjectNode object)) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is not a JSON object");
        }
        return object;
    }

    /**
     * A whole body of at most 64 MiB, read within the read timeout (a watchdog closes a body that stalls). A body
     * of declared length is read into an array of that length (the usual answer is a few hundred bytes; reading to
     * the end of the stream would allocate 16 KiB buffers and copy them); a shorter body is an error.
     */
    private static byte[] readWhole(ModelSettings model, UpstreamTransport.Reply reply) throws BackendException {
        InputStream in = reply.body();
        long declared = declaredLength(reply);
        try (in) {
            byte[] bytes = watchdog(model, in, () -> declared < 0 ? in.readNBytes((int) MAX_RESPONSE_BYTES + 1)
                    : exactly(in, (int) declared),
                    () -> new BackendException(Kind.TIMEOUT, "no answer within " + model.readTimeout().toMillis() + " ms"));
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer is larger than 64 MiB");
            }
            return bytes;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BackendException(Kind.UNAVAILABLE, "the connection to the upstream failed ("
                    + e.getClass().getSimpleName() + ")", 0, false, null);
        }
    }

    /** The body's declared Content-Length if it is at most 64 MiB, else -1 (none, invalid, or too large). */
    private static long declaredLength(UpstreamTransport.Reply reply) {
        Optional<String> value = reply.header().apply("content-length");
        if (value.isEmpty() || value.get().isEmpty() || value.get().length() > 9) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.get().length(); i++) {
            char c = value.get().charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= MAX_RESPONSE_BYTES ? n : -1;
    }

    /**
     * Exactly {@code length} bytes, then the end of the body (that last read costs no I/O and is what tells the
     * client the answer was read whole, so that its connection is kept); an {@link java.io.EOFException} when the
     * body does not match its declared length.
     */
    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = new byte[length];
        if (in.readNBytes(bytes, 0, length) < length || in.read() != -1) {
            throw new java.io.EOFException();
        }
        return bytes;
    }

    /**
     * Sends with retries where safe and returns a 2xx response whose body the caller reads and closes. The response
     * headers must arrive within the read timeout; the body is then read within the read timeout as a whole
     * ({@link #postForJson}) or per event ({@link #watched}).
     */
    UpstreamTransport.Reply post(ModelSettings model, String path, Dialect dialect, ObjectNode body) throws BackendException {
        UpstreamTransport.Request request = request(model, path, dialect, body);
        UpstreamTransport transport = UpstreamTransport.forScheme(request.url().getScheme(), clientChoice, jdk, helidon);
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt >= model.maxRetries();
            UpstreamTransport.Reply response;
            try {
                response = transport.send(request, model.connectTimeout(), model.readTimeout());
            } catch (UpstreamTransport.TimedOut e) {
                throw new BackendException(Kind.TIMEOUT, "no answer within " + model.readTimeout().toMillis() + " ms");
            } catch (UpstreamTransport.ConnectFailed e) {
                if (last) {
                    throw new BackendException(Kind.UNAVAILABLE, "cannot connect to the upstream ("
                            + e.getMessage() + ")", 0, false, null);
                }
                backoff(attempt, Duration.ZERO);
                continue;
            } catch (IOException e) {
                throw new BackendException(Kind.UNAVAILABLE, "the connection to the upstream failed ("
                        + e.getClass().getSimpleName() + ")", 0, false, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException(Kind.UNAVAILABLE, "interrupted while waiting for the upstream");
            }
            int status = response.status();
            if (status >= 200 && status < 300) {
                return response;
            }
            Optional<Duration> retryAfter = response.header().apply("retry-after")
                    .flatMap(v -> RetryAfter.parse(v, Instant.now()));
            boolean unavailable = status == 503 || status == OVERLOADED;
            boolean retryable = (unavailable || status == 429)
                    && retryAfter.map(d -> d.toMillis() <= 2000).orElse(unavailable);
            String detail = errorDetail(model, errorBody(model, response.body()));
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
        return watchdog(model, in, events::next, () -> new BackendException(Kind.TIMEOUT,
                "the upstream stalled for longer than " + model.readTimeout().toMillis() + " ms", 0, true, null));
    }

    /** The longest a stream's body may take to end after its last event before its connection is closed, not kept. */
    static final Duration END_OF_BODY_WAIT = Duration.ofMillis(250);
    /** The most bytes read after a stream's last event to reach the end of its body. */
    static final int END_OF_BODY_MAX = 64 * 1024;

    /**
     * Reads what follows a stream's last event ({@code [DONE]}, {@code message_stop}): for a chunked HTTP/1.1 body,
     * the closing zero-length chunk, whose read tells the transport that the answer was read whole, so its connection
     * goes back to the pool instead of being closed. Without it every streamed request paid a new connection (a
     * connect, the upstream's accept, Helidon's connection set-up) before its first byte (docs/benchmarks.md, "Gateway
     * overhead", round nine). An upstream that sends more than {@value #END_OF_BODY_MAX} bytes, or has not ended the
     * body within {@link #END_OF_BODY_WAIT} (or the read timeout, if shorter), has the connection closed by the
     * caller's close, as before. Never throws: the answer is complete whatever happens here.
     *
     * @return whether the end of the body was reached
     */
    static boolean finishBody(ModelSettings model, InputStream in) {
        long wait = Math.min(END_OF_BODY_WAIT.toMillis(), model.readTimeout().toMillis());
        try (ReadDeadlines.Watch _ = WATCHDOG.watch(in, Duration.ofMillis(wait))) {
            byte[] rest = new byte[512];
            long total = 0;
            for (int n; (n = in.read(rest)) >= 0; ) {
                total += n;
                if (total > END_OF_BODY_MAX) {
                    return false;
                }
            }
            return true;
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // closed by the watchdog, or broken: the caller's close drops the connection
        }
    }

    /** A read of an upstream body. */
    @FunctionalInterface
    private interface Read<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code read} while a watchdog closes {@code in} once the read timeout has passed; a read that fails after
     * the watchdog fired is {@code stalled}, any other failure is rethrown.
     */
    private static <T> T watchdog(ModelSettings model, InputStream in, Read<T> read,
            java.util.function.Supplier<BackendException> stalled) throws IOException, BackendException {
        try (ReadDeadlines.Watch watch = WATCHDOG.watch(in, model.readTimeout())) {
            try {
                return read.run();
            } catch (IOException | java.io.UncheckedIOException e) {
                if (watch.fired()) {
                    throw stalled.get();
                }
                throw e;
            }
        }
    }

    /** Up to 64 KiB of an error response's body, read within the read timeout (else what arrived: nothing). */
    private static byte[] errorBody(ModelSettings model, InputStream body) {
        try (body; ReadDeadlines.Watch _ = WATCHDOG.watch(body, model.readTimeout())) {
            return body.readNBytes(MAX_ERROR_BODY);
        } catch (IOException | java.io.UncheckedIOException e) {
            return new byte[0];
        }
    }

    /**
     * Up to {@code max} bytes of a body, read within the read timeout as a whole.
     *
     * @throws BackendException a timeout when the body stalls
     */
    static byte[] readUpTo(ModelSettings model, InputStream in, int max) throws IOException, BackendException {
        return watchdog(model, in, () -> in.readNBytes(max),
                () -> new BackendException(Kind.TIMEOUT, "no answer within " + model.readTimeout().toMillis() + " ms"));
    }

    private UpstreamTransport.Request request(ModelSettings model, String path, Dialect dialect, ObjectNode body)
            throws BackendException {
        URI url = url(model.baseUrl().orElseThrow(), path);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, text/event-stream");
        headers.putAll(dialect.headers());
        dev.bastion.gateway.telemetry.Tracing.inject(headers::put); // the upstream joins the request's trace
        if (model.apiKey().isPresent()) {
            String key;
            try {
                key = model.apiKey().get().resolve(env).toUtf8(InsecureSecretAccess.get());
            } catch (IllegalStateException e) {
                throw new BackendException(Kind.UPSTREAM_AUTH, "the credential for model '" + model.name()
                        + "' is not available (" + model.apiKey().get().describe() + ")");
            }
            headers.put(dialect.credentialHeader(), dialect.credentialPrefix() + key);
        }
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e); // a bug: trees always serialise
        }
        return new UpstreamTransport.Request(url, headers, bytes);
    }

    /** {@code base} without its trailing slashes, then {@code path}, as a URI. */
    URI url(URI base, String path) {
        String text = base.toString();
        Map<String, URI> paths = urls.get(text);
        if (paths == null) {
            if (urls.size() >= MAX_URLS) {
                urls.clear();
            }
            paths = urls.computeIfAbsent(text, b -> new java.util.concurrent.ConcurrentHashMap<>());
        }
        return paths.computeIfAbsent(path, p -> URI.create(withoutTrailingSlashes(text) + p));
    }

    /** How many base URLs are kept now (for tests). */
    int cachedUrls() {
        return urls.size();
    }

    private static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
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
}
