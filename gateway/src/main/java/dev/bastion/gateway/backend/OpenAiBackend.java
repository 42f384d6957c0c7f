package dev.bastion.gateway.backend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Any OpenAI-compatible upstream (OpenAI, Ollama, vLLM, a llama.cpp server, another Bastion): chat completions,
 * streamed or not, and embeddings for {@code kind: embeddings} models. The HTTP exchange (timeouts, retries,
 * {@code Retry-After}, error mapping, credential) is {@link UpstreamHttp}'s. Error messages never contain the
 * upstream credential or the prompt. Thread-safe.
 */
public final class OpenAiBackend implements ChatBackend, EmbeddingBackend {
    private final UpstreamHttp http;

    /** @param env the environment from which {@code api-key-env} credentials are read */
    public OpenAiBackend(Map<String, String> env) {
        this(env, "auto");
    }

    /** @param client {@code server.upstream-client}: {@code auto} or {@code jdk} (see {@link UpstreamTransport}) */
    public OpenAiBackend(Map<String, String> env, String client) {
        this.http = new UpstreamHttp(env, client);
    }

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        ObjectNode body = request.deepCopy();
        body.put("model", model.upstreamModel());
        body.remove(dev.bastion.gateway.api.ChatRequest.TEXT_COMPLETION); // answered as a one-message chat
        body.remove("stream");
        body.remove("stream_options");
        ObjectNode answer = http.postForJson(model, "/chat/completions", UpstreamHttp.Dialect.OPENAI, body);
        if (!answer.path("choices").isArray()) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer has no 'choices' array");
        }
        carryStopReason(request, answer);
        return answer;
    }

    @Override
    public ObjectNode embed(ModelSettings model, ObjectNode request) throws BackendException {
        ObjectNode body = request.deepCopy();
        body.put("model", model.upstreamModel());
        ObjectNode answer = http.postForJson(model, "/embeddings", UpstreamHttp.Dialect.OPENAI, body);
        int inputs = request.path("input").isArray() ? request.path("input").size() : 1;
        if (!answer.path("data").isArray() || answer.path("data").size() != inputs) {
            throw new BackendException(Kind.BAD_RESPONSE, "the upstream's answer has no 'data' array with one "
                    + "embedding per input");
        }
        return answer;
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        ObjectNode body = request.deepCopy();
        body.put("model", model.upstreamModel());
        body.remove(dev.bastion.gateway.api.ChatRequest.TEXT_COMPLETION); // answered as a one-message chat
        body.put("stream", true);
        UpstreamTransport.Reply response = http.post(model, "/chat/completions", UpstreamHttp.Dialect.OPENAI, body);
        if (response.header().apply("content-type").orElse("").startsWith("application/json")) {
            replayAsStream(model, request, response, sink);
            return;
        }
        int delivered = 0;
        try (InputStream in = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            SseReader events = new SseReader(reader);
            while (true) {
                Optional<String> event = UpstreamHttp.watched(model, in, events);
                if (event.isEmpty()) {
                    throw new BackendException(Kind.UNAVAILABLE, "the upstream closed the stream before it ended",
                            0, delivered > 0, null);
                }
                String data = event.get().strip();
                if (data.equals("[DONE]")) {
                    UpstreamHttp.finishBody(model, in); // so the connection is kept for the next request
                    return;
                }
                ObjectNode chunk = parseChunk(data, delivered);
                if (chunk == null) {
                    continue;
                }
                delivered++;
                carryStopReason(request, chunk);
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
    private static void replayAsStream(ModelSettings model, ObjectNode request, UpstreamTransport.Reply response,
            ChunkSink sink)
            throws BackendException {
        JsonNode answer;
        try (InputStream in = response.body()) {
            answer = Json.MAPPER.readTree(UpstreamHttp.readUpTo(model, in, (int) UpstreamHttp.MAX_RESPONSE_BYTES));
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
            if (choice.has("stop_reason")) { // vLLM's, passed on as every other field of a streamed choice is
                c.set("stop_reason", choice.get("stop_reason").deepCopy());
            }
            carryStopReason(request, chunk);
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

    /**
     * An OpenAI answer does not say whether a stop sequence ended it ({@code finish_reason: "stop"} also ends an
     * answer the model finished), but vLLM (and servers that copy its protocol) name it in the choice's
     * {@code stop_reason}: the matched stop string, or a token id. When that is a string that is one of the
     * request's own {@code stop} sequences, it is carried as {@link ChatBackend#STOP_SEQUENCE}; otherwise
     * nothing is claimed.
     *
     * @param answer a {@code chat.completion} or a {@code chat.completion.chunk}
     */
    private static void carryStopReason(ObjectNode request, ObjectNode answer) {
        JsonNode stop = request.path("stop");
        if (stop.isMissingNode() || stop.isNull()) {
            return;
        }
        for (JsonNode choice : answer.path("choices")) {
            JsonNode reason = choice.path("stop_reason");
            if (choice instanceof ObjectNode c && "stop".equals(choice.path("finish_reason").asText()) && reason.isTextual()
                    && (stop.isTextual() ? stop.equals(reason) : stop.isArray() && contains(stop, reason))) {
                c.put(ChatBackend.STOP_SEQUENCE, reason.asText());
            }
        }
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode v : array) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
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
}
