package dev.bastion.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * A small OpenAI-compatible server on loopback for tests: answers {@code /v1/chat/completions} streamed or not,
 * records what it received, and misbehaves on request (hang, delay, drop mid-stream, error status, garbage).
 *
 * <p>By default the answer echoes the last user message as {@code "echo: " + text}, in {@link #chunks(int)} stream
 * chunks, with a usage object. Configure before or between requests; settings are volatile.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the next requests are answered. */
    public enum Mode { NORMAL, HANG, DROP_MID_STREAM, GARBAGE, STATUS }

    /** One request as received. */
    public record Received(String path, Map<String, List<String>> headers, JsonNode body) {
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
    private volatile Mode mode = Mode.NORMAL;
    private volatile String fixedAnswer;
    private volatile int chunks = 3;
    private volatile long delayMillis;
    private volatile long chunkDelayMillis;
    private volatile int status = 500;
    private volatile String statusBody = "{\"error\":{\"message\":\"upstream failure\",\"type\":\"server_error\"}}";
    private volatile int failFirst;
    private volatile String requiredKey;
    private volatile String toolCallName;
    private volatile boolean echoSystem;
    private volatile boolean byWords;
    private volatile boolean echoInArguments;

    private FakeUpstream(HttpServer server) {
        this.server = server;
    }

    private volatile int queueDepth;

    /** The queue depth its {@code /metrics} reports, as llama.cpp's server does ({@code llamacpp:requests_deferred}). */
    public FakeUpstream queueDepth(int n) {
        this.queueDepth = n;
        return this;
    }

    private void metrics(HttpExchange ex) throws IOException {
        byte[] page = ("# TYPE llamacpp:requests_deferred gauge\nllamacpp:requests_deferred " + queueDepth + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, page.length);
        try (var out = ex.getResponseBody()) {
            out.write(page);
        }
    }

    public static FakeUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            FakeUpstream fake = new FakeUpstream(server);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/v1/chat/completions", fake::chat);
            server.createContext("/v1/models", fake::models);
            server.createContext("/v1/embeddings", fake::embeddings);
            server.createContext("/metrics", fake::metrics);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base URL to configure as {@code base-url}: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeUpstream mode(Mode m) {
        this.mode = m;
        return this;
    }

    /** Always answer this text (instead of echoing). */
    public FakeUpstream answer(String text) {
        this.fixedAnswer = text;
        return this;
    }

    public FakeUpstream chunks(int n) {
        this.chunks = n;
        return this;
    }

    /** Wait this long before each streamed content chunk. */
    public FakeUpstream chunkDelay(long millis) {
        this.chunkDelayMillis = millis;
        return this;
    }

    public FakeUpstream delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** In {@link Mode#STATUS}, answer with this status and body. */
    public FakeUpstream status(int code, String body) {
        this.status = code;
        this.statusBody = body;
        return this;
    }

    /** Answer the first {@code n} requests with 503, then normally. */
    public FakeUpstream failFirst(int n) {
        this.failFirst = n;
        return this;
    }

    /** Require {@code Authorization: Bearer key}; 401 otherwise. */
    public FakeUpstream requireKey(String key) {
        this.requiredKey = key;
        return this;
    }

    /** Stream one word (with its trailing space) per chunk, as a tokenizer roughly would. */
    public FakeUpstream chunkByWords(boolean on) {
        this.byWords = on;
        return this;
    }

    /** Echo the system prompt instead of the last user message (a model leaking its instructions). */
    public FakeUpstream echoSystem(boolean on) {
        this.echoSystem = on;
        return this;
    }

    /** When a request has tools, answer with a call of this function. */
    public FakeUpstream callTool(String name) {
        this.toolCallName = name;
        return this;
    }

    /**
     * Tool calls carry the last user message as {@code {"text": ...}}, with angle brackets written as JSON unicode
     * escapes (as some models do), streamed in fragments of five characters.
     */
    public FakeUpstream echoInToolArguments(boolean on) {
        this.echoInArguments = on;
        return this;
    }

    private String toolArguments(JsonNode body) {
        if (!echoInArguments) {
            return "{\"city\":\"Paris\"}";
        }
        ObjectNode args = JSON.createObjectNode();
        args.put("text", lastUserText(body));
        return args.toString().replace("<", "\\u003c").replace(">", "\\u003e");
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public int calls() {
        return calls.get();
    }

    private void chat(HttpExchange ex) throws IOException {
        int n = calls.incrementAndGet();
        byte[] bytes = ex.getRequestBody().readAllBytes();
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
        if (requiredKey != null && !("Bearer " + requiredKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided: " + ex.getRequestHeaders().getFirst("Authorization")
                    + "\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        if (n <= failFirst) {
            send(ex, 503, "{\"error\":{\"message\":\"overloaded\"}}");
            return;
        }
        sleep(delayMillis);
        switch (mode) {
            case HANG -> {
                sleep(600_000);
                return;
            }
            case STATUS -> {
                send(ex, status, statusBody);
                return;
            }
            case GARBAGE -> {
                send(ex, 200, "this is not json");
                return;
            }
            default -> { }
        }
        String answer = fixedAnswer != null ? fixedAnswer : "echo: " + (echoSystem ? systemText(body) : lastUserText(body));
        boolean tools = toolCallName != null && body.has("tools");
        if (body.path("stream").asBoolean(false)) {
            stream(ex, body, answer, tools);
        } else {
            send(ex, 200, completion(body, answer, tools).toString());
        }
    }

    private static String systemText(JsonNode body) {
        for (JsonNode m : body.path("messages")) {
            if (m.path("role").asText().equals("system")) {
                return m.path("content").asText();
            }
        }
        return "";
    }

    private static String lastUserText(JsonNode body) {
        String text = "";
        for (JsonNode m : body.path("messages")) {
            if (m.path("role").asText().equals("user")) {
                JsonNode c = m.path("content");
                if (c.isTextual()) {
                    text = c.asText();
                } else {
                    StringBuilder b = new StringBuilder();
                    c.forEach(p -> b.append(p.path("text").asText("")));
                    text = b.toString();
                }
            }
        }
        return text;
    }

    private ObjectNode completion(JsonNode request, String answer, boolean tools) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-fake");
        root.put("object", "chat.completion");
        root.put("created", 1_700_000_000L);
        root.put("model", request.path("model").asText());
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (tools) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", "call_1");
            call.put("type", "function");
            call.putObject("function").put("name", toolCallName).put("arguments", toolArguments(request));
            choice.put("finish_reason", "tool_calls");
        } else {
            message.put("content", answer);
            choice.put("finish_reason", "stop");
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 11);
        usage.put("completion_tokens", 7);
        usage.put("total_tokens", 18);
        return root;
    }

    private void stream(HttpExchange ex, JsonNode request, String answer, boolean tools) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            String model = request.path("model").asText();
            event(out, chunk(model, delta("role", "assistant"), null));
            if (tools) {
                ObjectNode d = JSON.createObjectNode();
                ObjectNode call = d.putArray("tool_calls").addObject();
                call.put("index", 0);
                call.put("id", "call_1");
                call.put("type", "function");
                String arguments = toolArguments(request);
                call.putObject("function").put("name", toolCallName).put("arguments", "");
                event(out, chunk(model, d, null));
                for (int i = 0; i < arguments.length(); i += 5) {
                    ObjectNode more = JSON.createObjectNode();
                    ObjectNode fragment = more.putArray("tool_calls").addObject();
                    fragment.put("index", 0);
                    fragment.putObject("function").put("arguments", arguments.substring(i, Math.min(arguments.length(), i + 5)));
                    event(out, chunk(model, more, null));
                }
            } else {
                List<String> parts = byWords ? List.of(answer.split("(?<= )")) : split(answer, chunks);
                for (int i = 0; i < parts.size(); i++) {
                    if (mode == Mode.DROP_MID_STREAM && i == parts.size() / 2) {
                        out.flush();
                        ex.close();
                        return;
                    }
                    sleep(chunkDelayMillis);
                    event(out, chunk(model, delta("content", parts.get(i)), null));
                }
            }
            event(out, chunk(model, JSON.createObjectNode(), tools ? "tool_calls" : "stop"));
            if (request.path("stream_options").path("include_usage").asBoolean(false)) {
                ObjectNode usageChunk = JSON.createObjectNode();
                usageChunk.put("id", "chatcmpl-fake");
                usageChunk.put("object", "chat.completion.chunk");
                usageChunk.put("created", 1_700_000_000L);
                usageChunk.put("model", model);
                usageChunk.putArray("choices");
                usageChunk.putObject("usage").put("prompt_tokens", 11).put("completion_tokens", 7).put("total_tokens", 18);
                event(out, usageChunk);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> split(String text, int n) {
        List<String> parts = new ArrayList<>();
        int size = Math.max(1, (int) Math.ceil(text.length() / (double) Math.max(1, n)));
        for (int i = 0; i < text.length(); i += size) {
            parts.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return parts;
    }

    private static ObjectNode delta(String field, String value) {
        ObjectNode d = JSON.createObjectNode();
        d.put(field, value);
        return d;
    }

    private static ObjectNode chunk(String model, ObjectNode delta, String finish) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-fake");
        c.put("object", "chat.completion.chunk");
        c.put("created", 1_700_000_000L);
        c.put("model", model);
        ArrayNode choices = c.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return c;
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * {@code /v1/embeddings}: a 3-dimensional vector per input (its length, its first character, 1), usage of one
     * token per 4 characters; honours {@link #mode} STATUS and {@link #requireKey}.
     */
    private void embeddings(HttpExchange ex) throws IOException {
        calls.incrementAndGet();
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
        if (requiredKey != null && !("Bearer " + requiredKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            send(ex, 401, "{\"error\":{\"message\":\"Incorrect API key\"}}");
            return;
        }
        if (mode == Mode.STATUS) {
            send(ex, status, statusBody);
            return;
        }
        List<String> inputs = new ArrayList<>();
        if (body.path("input").isTextual()) {
            inputs.add(body.path("input").asText());
        } else {
            body.path("input").forEach(i -> inputs.add(i.asText()));
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            item.putArray("embedding").add((double) text.length()).add((double) text.charAt(0)).add(1.0);
            tokens += (text.length() + 3) / 4;
        }
        root.put("model", body.path("model").asText());
        root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        send(ex, 200, root.toString());
    }

    private void models(HttpExchange ex) throws IOException {
        send(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"upstream-model\",\"object\":\"model\"}]}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
