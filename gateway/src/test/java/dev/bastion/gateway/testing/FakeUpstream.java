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
    private volatile int toolCount = 1;
    private volatile int toolFragments;
    private volatile long toolDelayMillis;
    private volatile boolean interleaved;
    private volatile boolean vllmStops;
    private volatile long lastFragmentSent;

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

    /**
     * Echo the system prompt instead of the last user message (a model leaking its instructions), in the answer
     * text and, with {@link #echoInToolArguments}, in tool-call arguments.
     */
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

    /**
     * Answers with {@code count} calls of the tool ({@code call_1}, {@code call_2}, ...; with several, each call's
     * arguments also carry {@code "call": n}), streaming each call's arguments in {@code fragments} pieces of about
     * equal length (0: pieces of five characters), waiting {@code delayMillis} before each piece. Calls go one after
     * another, or with {@code interleaved} a piece of each in turn (the first piece with the call's id and name).
     */
    public FakeUpstream toolCalls(int count, int fragments, long delayMillis, boolean interleaved) {
        this.toolCount = count;
        this.toolFragments = fragments;
        this.toolDelayMillis = delayMillis;
        this.interleaved = interleaved;
        return this;
    }

    /**
     * Ends the answer at the first of the request's {@code stop} strings it contains, as vLLM does: finish reason
     * {@code stop} and the matched string in the choice's {@code stop_reason}.
     */
    public FakeUpstream stopsLikeVllm(boolean on) {
        this.vllmStops = on;
        return this;
    }

    /** {@link System#nanoTime()} when the last tool-call argument piece of a stream was sent; 0 before. */
    public long lastFragmentSent() {
        return lastFragmentSent;
    }

    /** {@code text} in {@code n} pieces of about equal length (the last ones longer by one at most). */
    public static List<String> pieces(String text, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(text.substring(i * text.length() / n, (i + 1) * text.length() / n));
        }
        return out;
    }

    /** The arguments of call {@code k} (from 0) for this request, as this upstream sends them. */
    public String toolArguments(JsonNode body, int k) {
        ObjectNode args = JSON.createObjectNode();
        if (toolCount > 1) {
            args.put("call", k + 1);
        }
        if (!echoInArguments) {
            args.put("city", "Paris");
            return args.toString();
        }
        args.put("text", echoSystem ? systemText(body) : lastUserText(body));
        return args.toString().replace("<", "\\u003c").replace(">", "\\u003e");
    }

    private List<String> argumentPieces(String arguments) {
        if (toolFragments > 0) {
            return pieces(arguments, toolFragments);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arguments.length(); i += 5) {
            out.add(arguments.substring(i, Math.min(arguments.length(), i + 5)));
        }
        return out;
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
        String stop = vllmStops ? firstStop(body, answer) : null;
        if (stop != null) {
            answer = answer.substring(0, answer.indexOf(stop));
        }
        if (body.path("stream").asBoolean(false)) {
            stream(ex, body, answer, tools, stop);
        } else {
            ObjectNode completion = completion(body, answer, tools);
            if (stop != null) {
                ((ObjectNode) completion.path("choices").get(0)).put("stop_reason", stop);
            }
            send(ex, 200, completion.toString());
        }
    }

    /** The request's stop string that occurs first in {@code answer}, or null. */
    private static String firstStop(JsonNode body, String answer) {
        List<String> stops = new ArrayList<>();
        if (body.path("stop").isTextual()) {
            stops.add(body.path("stop").asText());
        }
        body.path("stop").forEach(s -> stops.add(s.asText()));
        String first = null;
        for (String s : stops) {
            int at = answer.indexOf(s);
            if (!s.isEmpty() && at >= 0 && (first == null || at < answer.indexOf(first))) {
                first = s;
            }
        }
        return first;
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
            ArrayNode calls = message.putArray("tool_calls");
            for (int k = 0; k < toolCount; k++) {
                ObjectNode call = calls.addObject();
                call.put("id", "call_" + (k + 1));
                call.put("type", "function");
                call.putObject("function").put("name", toolCallName).put("arguments", toolArguments(request, k));
            }
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

    private void stream(HttpExchange ex, JsonNode request, String answer, boolean tools, String stop) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            String model = request.path("model").asText();
            event(out, chunk(model, delta("role", "assistant"), null));
            if (tools) {
                streamToolCalls(out, model, request);
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
            ObjectNode finish = chunk(model, JSON.createObjectNode(), tools ? "tool_calls" : "stop");
            if (stop != null) {
                ((ObjectNode) finish.path("choices").get(0)).put("stop_reason", stop);
            }
            event(out, finish);
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

    /** The tool calls' chunks: a header (id, name, empty arguments) then the argument pieces, per call or interleaved. */
    private void streamToolCalls(OutputStream out, String model, JsonNode request) throws IOException {
        List<List<String>> calls = new ArrayList<>();
        for (int k = 0; k < toolCount; k++) {
            calls.add(argumentPieces(toolArguments(request, k)));
        }
        if (!interleaved) {
            for (int k = 0; k < calls.size(); k++) {
                event(out, chunk(model, toolDelta(k, true, ""), null));
                for (String piece : calls.get(k)) {
                    sleep(toolDelayMillis);
                    event(out, chunk(model, toolDelta(k, false, piece), null));
                }
            }
        } else {
            int most = calls.stream().mapToInt(List::size).max().orElse(0);
            for (int i = 0; i < most; i++) {
                for (int k = 0; k < calls.size(); k++) {
                    if (i < calls.get(k).size()) {
                        sleep(toolDelayMillis);
                        event(out, chunk(model, toolDelta(k, i == 0, calls.get(k).get(i)), null));
                    }
                }
            }
        }
        lastFragmentSent = System.nanoTime();
    }

    private ObjectNode toolDelta(int k, boolean header, String arguments) {
        ObjectNode d = JSON.createObjectNode();
        ObjectNode call = d.putArray("tool_calls").addObject();
        call.put("index", k);
        if (header) {
            call.put("id", "call_" + (k + 1));
            call.put("type", "function");
            call.putObject("function").put("name", toolCallName).put("arguments", arguments);
        } else {
            call.putObject("function").put("arguments", arguments);
        }
        return d;
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
