package dev.bastion.app.redteam;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI-compatible chat endpoint under test: sends a probe as {@code POST {base}/chat/completions} with the JDK
 * HTTP client and reads the answer, the tool calls, the usage and the {@code x-request-id} header. A streaming target
 * asks for {@code stream: true} (with usage in the last chunk) and assembles the server-sent events into the same
 * {@link Reply}, so detectors judge what a streaming client would have shown ({@link StreamedReply}). Thread-safe;
 * the caller bounds concurrency.
 */
public final class Target implements AutoCloseable {
    /** The header in which Bastion returns the id of a request's decision record. */
    public static final String REQUEST_ID_HEADER = "x-request-id";
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(64 << 20).build()).build());

    private final URI chat;
    private final String key;
    private final String model;
    private final Duration timeout;
    private final HttpClient http;
    private final boolean stream;

    /**
     * @param baseUrl the API base, for example {@code http://127.0.0.1:8080/v1}; {@code /chat/completions} is added
     * @param key the bearer key; empty for endpoints without one
     */
    public Target(URI baseUrl, String key, String model, Duration timeout) {
        this(baseUrl, key, model, timeout, false);
    }

    /**
     * @param baseUrl the API base, for example {@code http://127.0.0.1:8080/v1}; {@code /chat/completions} is added
     * @param key the bearer key; empty for endpoints without one
     * @param stream whether to ask for a streamed answer ({@code stream: true})
     */
    public Target(URI baseUrl, String key, String model, Duration timeout, boolean stream) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("the target URL must be http or https, got " + baseUrl);
        }
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.chat = URI.create(base.endsWith("/chat/completions") ? base : base + "/chat/completions");
        this.key = Objects.requireNonNull(key, "key");
        this.model = Objects.requireNonNull(model, "model");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.stream = stream;
    }

    /** Whether probes are sent with {@code stream: true}. */
    public boolean streams() {
        return stream;
    }

    public URI url() {
        return chat;
    }

    public String model() {
        return model;
    }

    /** The exact body sent for {@code probe}: its request with this target's model, and any nested field. */
    String body(Probe probe) {
        ObjectNode request = probe.request().deepCopy();
        request.put("model", model);
        if (stream) {
            request.put("stream", true);
            request.putObject("stream_options").put("include_usage", true);
        }
        String body;
        try {
            body = JSON.writeValueAsString(request);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write probe " + probe.id(), e);
        }
        if (probe.nestingDepth() > 0) {
            int d = probe.nestingDepth();
            body = body.substring(0, body.length() - 1) + ",\"metadata\":{\"nested\":" + "[".repeat(d) + "]".repeat(d) + "}}";
        }
        return body;
    }

    /** Sends {@code probe} and reads the reply; a transport failure is a reply with status 0, never an exception. */
    public Reply send(Probe probe) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(chat).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(probe)));
        if (!key.isEmpty()) {
            request.header("Authorization", "Bearer " + key);
        }
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Reply.failed(e.getClass().getSimpleName(), (System.nanoTime() - start) / 1_000_000);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean eventStream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        if (stream && eventStream && response.statusCode() / 100 == 2) {
            return StreamedReply.read(response.statusCode(), response.headers().firstValue(REQUEST_ID_HEADER).orElse(""),
                    response.body(), millis);
        }
        return read(response.statusCode(), response.headers().firstValue(REQUEST_ID_HEADER).orElse(""),
                response.body(), millis);
    }

    /** Reads a chat completion or an OpenAI-style error body; a body that is not JSON leaves the fields empty. */
    static Reply read(int status, String requestId, String body, long millis) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        if (json == null) {
            json = JSON.createObjectNode();
        }
        JsonNode error = json.path("error");
        StringBuilder answer = new StringBuilder();
        List<Reply.ToolCall> calls = new ArrayList<>();
        for (JsonNode choice : json.path("choices")) {
            JsonNode message = choice.path("message");
            String content = message.path("content").asText("");
            if (!content.isEmpty()) {
                answer.append(answer.isEmpty() ? "" : "\n\n").append(content);
            }
            for (JsonNode call : message.path("tool_calls")) {
                calls.add(new Reply.ToolCall(call.path("function").path("name").asText(""),
                        call.path("function").path("arguments").asText("")));
            }
        }
        long tokens = json.path("usage").path("completion_tokens").asLong(-1);
        return new Reply(status, requestId, error.path("type").asText(""), error.path("code").asText(""),
                answer.toString(), calls, tokens, "", millis);
    }

    @Override
    public void close() {
        http.close();
    }
}
