package dev.bastion.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Anthropic Messages API server on loopback for tests: answers {@code POST /v1/messages} streamed
 * ({@code message_start}, {@code content_block_*}, {@code message_delta}, {@code message_stop}, with a {@code ping})
 * or not, records what it received, and misbehaves on request (error status with Retry-After, an {@code error}
 * event mid-stream, a stream cut off).
 *
 * <p>By default the answer echoes the text of the last user turn as {@code "echo: " + text}, in three text deltas,
 * with usage {@code input_tokens} 12 (plus 3 cache-read tokens) and {@code output_tokens} 5. With
 * {@link #callTool(String)}, a request that offers tools is answered with one {@code tool_use} block whose input is
 * {@code {"city": <last user text>}}. Settings are volatile.
 */
public final class FakeAnthropic implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    public record Received(Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile String requiredKey;
    private volatile String toolName;
    private volatile int status;
    private volatile String statusBody;
    private volatile String retryAfter;
    private volatile int failFirst;
    private volatile boolean errorMidStream;
    private volatile boolean cutMidStream;

    private FakeAnthropic(HttpServer server) {
        this.server = server;
    }

    public static FakeAnthropic start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            FakeAnthropic fake = new FakeAnthropic(server);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/v1/messages", fake::messages);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base URL to configure as {@code base-url}: {@code http://127.0.0.1:PORT} (no {@code /v1}, as Anthropic's). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeAnthropic requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    public FakeAnthropic callTool(String name) {
        this.toolName = name;
        return this;
    }

    /** Answers every request with {@code code}, {@code body} and, if not null, a {@code Retry-After}. */
    public FakeAnthropic status(int code, String body, String retryAfterHeader) {
        this.status = code;
        this.statusBody = body;
        this.retryAfter = retryAfterHeader;
        return this;
    }

    /** Answers the first {@code n} requests with 529 overloaded, without Retry-After. */
    public FakeAnthropic failFirst(int n) {
        this.failFirst = n;
        return this;
    }

    public FakeAnthropic errorMidStream(boolean on) {
        this.errorMidStream = on;
        return this;
    }

    public FakeAnthropic cutMidStream(boolean on) {
        this.cutMidStream = on;
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public int calls() {
        return calls.get();
    }

    private void messages(HttpExchange ex) throws IOException {
        int n = calls.incrementAndGet();
        JsonNode body;
        try {
            body = JSON.readTree(ex.getRequestBody().readAllBytes());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        received.add(new Received(Map.copyOf(ex.getRequestHeaders()), body));
        if (requiredKey != null && !requiredKey.equals(ex.getRequestHeaders().getFirst("x-api-key"))) {
            send(ex, 401, error("authentication_error", "invalid x-api-key " + ex.getRequestHeaders().getFirst("x-api-key")));
            return;
        }
        if (n <= failFirst) {
            send(ex, 529, error("overloaded_error", "Overloaded"));
            return;
        }
        if (status != 0) {
            if (retryAfter != null) {
                ex.getResponseHeaders().set("Retry-After", retryAfter);
            }
            send(ex, status, statusBody);
            return;
        }
        String text = "echo: " + lastUserText(body);
        boolean tool = toolName != null && body.path("tools").isArray();
        String stop = tool ? null : firstStop(body, text);
        if (stop != null) {
            text = text.substring(0, text.indexOf(stop));
        }
        if (body.path("stream").asBoolean(false)) {
            stream(ex, body, text, tool, stop);
        } else {
            send(ex, 200, message(body, text, tool, stop).toString());
        }
    }

    /** The request's {@code stop_sequences} entry that occurs first in {@code text}, or null (as Anthropic stops). */
    private static String firstStop(JsonNode body, String text) {
        String first = null;
        for (JsonNode s : body.path("stop_sequences")) {
            int at = text.indexOf(s.asText());
            if (!s.asText().isEmpty() && at >= 0 && (first == null || at < text.indexOf(first))) {
                first = s.asText();
            }
        }
        return first;
    }

    private static String error(String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        return root.toString();
    }

    /** The text of the last user turn's text blocks (or string content), ignoring tool results. */
    static String lastUserText(JsonNode body) {
        String text = "";
        for (JsonNode m : body.path("messages")) {
            if (!m.path("role").asText().equals("user")) {
                continue;
            }
            if (m.path("content").isTextual()) {
                text = m.path("content").asText();
                continue;
            }
            StringBuilder b = new StringBuilder();
            m.path("content").forEach(block -> b.append(block.path("type").asText().equals("text")
                    ? block.path("text").asText() : ""));
            if (!b.isEmpty()) {
                text = b.toString();
            }
        }
        return text;
    }

    private ObjectNode message(JsonNode request, String text, boolean tool, String stop) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "msg_fake");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", request.path("model").asText());
        var content = root.putArray("content");
        if (tool) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", "toolu_1");
            use.put("name", toolName);
            use.putObject("input").put("city", lastUserText(request));
            root.put("stop_reason", "tool_use");
        } else {
            content.addObject().put("type", "text").put("text", text);
            root.put("stop_reason", stop == null ? "end_turn" : "stop_sequence");
        }
        if (stop == null) {
            root.putNull("stop_sequence");
        } else {
            root.put("stop_sequence", stop);
        }
        root.putObject("usage").put("input_tokens", 12).put("cache_read_input_tokens", 3).put("output_tokens", 5);
        return root;
    }

    private void stream(HttpExchange ex, JsonNode request, String text, boolean tool, String stop) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode message = start.putObject("message");
            message.put("id", "msg_fake").put("type", "message").put("role", "assistant")
                    .put("model", request.path("model").asText());
            message.putArray("content");
            message.putObject("usage").put("input_tokens", 12).put("cache_read_input_tokens", 3).put("output_tokens", 1);
            event(out, "message_start", start);
            event(out, "ping", JSON.createObjectNode().put("type", "ping"));
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
            if (tool) {
                blockStart.putObject("content_block").put("type", "tool_use").put("id", "toolu_1").put("name", toolName)
                        .putObject("input");
                event(out, "content_block_start", blockStart);
                String input = JSON.createObjectNode().put("city", lastUserText(request)).toString();
                for (int i = 0; i < input.length(); i += 4) {
                    ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                    delta.putObject("delta").put("type", "input_json_delta")
                            .put("partial_json", input.substring(i, Math.min(input.length(), i + 4)));
                    event(out, "content_block_delta", delta);
                }
            } else {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
                event(out, "content_block_start", blockStart);
                int size = Math.max(1, (text.length() + 2) / 3);
                for (int i = 0; i < text.length(); i += size) {
                    if (i > 0 && cutMidStream) {
                        return;
                    }
                    if (i > 0 && errorMidStream) {
                        event(out, "error", JSON.readTree(error("overloaded_error", "Overloaded")));
                        return;
                    }
                    ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                    delta.putObject("delta").put("type", "text_delta").put("text", text.substring(i, Math.min(text.length(), i + size)));
                    event(out, "content_block_delta", delta);
                }
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
            ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
            ObjectNode why = end.putObject("delta").put("stop_reason", tool ? "tool_use" : stop == null ? "end_turn" : "stop_sequence");
            if (stop == null) {
                why.putNull("stop_sequence");
            } else {
                why.put("stop_sequence", stop);
            }
            end.putObject("usage").put("output_tokens", 5);
            event(out, "message_delta", end);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        }
    }

    private static void event(OutputStream out, String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
