package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Pseudonymizer;
import dev.bastion.guard.pseudonym.Restorer;
import java.util.HashMap;
import java.util.Map;

/**
 * Relays an upstream chat stream to the client through the output guards: each choice's content goes through a
 * {@link StreamGuard}, pseudonyms are restored, the model name is the one the client asked for, usage is captured
 * for accounting and passed on only if the client asked for it ({@code stream_options.include_usage}). Tool-call
 * arguments, which arrive as fragments of JSON text, are restored per choice and call through a JSON-aware
 * {@link Restorer}, so a surrogate split between fragments (or escaped by the model) comes back whole.
 *
 * <p>The client's event stream is opened on the first chunk, so a backend that fails before sending anything still
 * gets a proper HTTP error. One instance per request; not thread-safe (the backend calls it from one thread).
 */
final class StreamRelay implements dev.bastion.gateway.backend.ChatBackend.ChunkSink {
    private final Exchange exchange;
    private final CompiledRoute route;
    private final Pseudonymizer pseudonymizer;
    private final GatewayMetrics metrics;
    private final int window;
    private final String clientModel;
    private final boolean includeUsage;
    private final java.util.Optional<String> canary;
    private final boolean padding;
    private final int coalesceBytes;
    private final long coalesceNanos;
    private final StringBuilder pending = new StringBuilder();
    private long lastFrame = System.nanoTime();
    private final Map<Integer, StreamGuard> guards = new HashMap<>();
    /** Per choice, per tool call index: the restorer of its arguments. */
    private final Map<Integer, Map<Integer, Restorer>> toolRestorers = new HashMap<>();
    private Exchange.EventStream events;
    private ObjectNode lastChunk;
    private long promptTokens;
    private long completionTokens;
    private boolean usageSeen;
    private boolean clientGone;
    private Refusal blocked;
    private final StringBuilder answer = new StringBuilder();
    /** {@link System#nanoTime()} when the first text or tool-call fragment was sent; 0 before. */
    private long firstTokenAt;

    StreamRelay(Exchange exchange, CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics,
            int window, String clientModel, boolean includeUsage, java.util.Optional<String> canary, boolean padding,
            int coalesceBytes, java.time.Duration coalesceInterval) {
        this.exchange = exchange;
        this.route = route;
        this.pseudonymizer = pseudonymizer;
        this.metrics = metrics;
        this.window = window;
        this.clientModel = clientModel;
        this.includeUsage = includeUsage;
        this.canary = canary;
        this.padding = padding;
        this.coalesceBytes = coalesceBytes;
        this.coalesceNanos = coalesceInterval.toNanos();
    }

    @Override
    public boolean accept(ObjectNode chunk) {
        if (clientGone || blocked != null) {
            return false;
        }
        if (chunk.hasNonNull("id")) {
            lastChunk = chunk;
        }
        captureUsage(chunk);
        chunk.remove("usage");
        chunk.put("model", clientModel);
        JsonNode choices = chunk.path("choices");
        if (choices.isArray() && !choices.isEmpty()) {
            try {
                guardChoices((ArrayNode) choices);
            } catch (Refusal r) {
                blocked = r;
                return false;
            }
            if (choices.isEmpty()) {
                return true;
            }
        } else if (choices.isArray()) {
            return true; // a usage-only chunk: usage is sent at the end, after the held-back text
        }
        return send(chunk);
    }

    private void guardChoices(ArrayNode choices) {
        for (int i = choices.size() - 1; i >= 0; i--) {
            JsonNode choice = choices.get(i);
            if (!(choice instanceof ObjectNode c)) {
                continue;
            }
            int index = c.path("index").asInt(0);
            StreamGuard guard = guards.computeIfAbsent(index, k -> new StreamGuard(route, pseudonymizer, metrics, window, canary));
            ObjectNode delta = c.path("delta") instanceof ObjectNode d ? d : c.putObject("delta");
            String released = delta.path("content").isTextual() ? guard.append(delta.get("content").asText()) : "";
            boolean finishing = c.hasNonNull("finish_reason");
            if (finishing) {
                released = released + guard.flush();
            }
            restoreToolArguments(index, delta, finishing);
            if (!released.isEmpty()) {
                if (index == 0) {
                    answer.append(released);
                }
                delta.put("content", released);
            } else if (delta.has("content") && delta.get("content").isTextual()) {
                delta.remove("content");
            }
            boolean carriesSomething = !delta.isEmpty() || finishing || c.has("logprobs") && !c.get("logprobs").isNull();
            if (!carriesSomething) {
                choices.remove(i);
            }
        }
    }

    /**
     * Restores surrogates in this delta's tool-call argument fragments; a fragment may come out shorter (a possible
     * surrogate is held back) and the rest follows in a later fragment, or at the end of the choice.
     */
    private void restoreToolArguments(int choice, ObjectNode delta, boolean finishing) {
        if (pseudonymizer.isEmpty()) {
            return;
        }
        Map<Integer, Restorer> restorers = toolRestorers.computeIfAbsent(choice, k -> new java.util.TreeMap<>());
        for (JsonNode call : delta.path("tool_calls")) {
            if (call instanceof ObjectNode c && c.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                Restorer r = restorers.computeIfAbsent(c.path("index").asInt(0),
                        k -> pseudonymizer.restorer(Restorer.Escaping.JSON_STRING));
                fn.put("arguments", r.push(fn.get("arguments").asText()));
            }
        }
        if (finishing) {
            appendToolRests(delta, restorers);
        }
    }

    /** Adds what each call's restorer still holds as final argument fragments to {@code delta}. */
    private static void appendToolRests(ObjectNode delta, Map<Integer, Restorer> restorers) {
        for (Map.Entry<Integer, Restorer> e : restorers.entrySet()) {
            String rest = e.getValue().finish();
            if (!rest.isEmpty()) {
                ArrayNode calls = delta.path("tool_calls") instanceof ArrayNode a ? a : delta.putArray("tool_calls");
                ObjectNode call = calls.addObject();
                call.put("index", e.getKey());
                call.putObject("function").put("arguments", rest);
            }
        }
        restorers.clear();
    }

    private void captureUsage(ObjectNode chunk) {
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            usageSeen = true;
            promptTokens = usage.path("prompt_tokens").asLong(0);
            completionTokens = usage.path("completion_tokens").asLong(0);
        }
    }

    private boolean send(ObjectNode chunk) {
        if (coalesceBytes > 0 || coalesceNanos > 0) {
            String text = plainText(chunk);
            if (text != null) {
                pending.append(text);
                boolean bigEnough = coalesceBytes == 0
                        || pending.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= coalesceBytes;
                boolean late = coalesceNanos == 0 || System.nanoTime() - lastFrame >= coalesceNanos;
                return !(bigEnough && late) || flushPending();
            }
            if (!flushPending()) {
                return false;
            }
        }
        return emit(chunk);
    }

    /** Sends the held-back coalesced text as one frame, if there is any. */
    private boolean flushPending() {
        if (pending.isEmpty()) {
            return true;
        }
        ObjectNode frame = contentChunk(0, pending.toString());
        pending.setLength(0);
        lastFrame = System.nanoTime();
        return emit(frame);
    }

    /** The content of a chunk that carries nothing but choice 0's text, else null. */
    private static String plainText(ObjectNode chunk) {
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray() || choices.size() != 1) {
            return null;
        }
        JsonNode c = choices.get(0);
        JsonNode delta = c.path("delta");
        if (c.path("index").asInt(0) != 0 || c.hasNonNull("finish_reason") || (c.has("logprobs") && !c.get("logprobs").isNull())
                || delta.size() != 1 || !delta.path("content").isTextual()) {
            return null;
        }
        return delta.get("content").asText();
    }

    private boolean emit(ObjectNode chunk) {
        if (events == null) {
            events = exchange.openEventStream();
        }
        if (firstTokenAt == 0 && carriesToken(chunk)) {
            firstTokenAt = System.nanoTime();
        }
        if (padding) {
            pad(chunk);
        }
        if (!events.send(chunk.toString())) {
            clientGone = true;
            return false;
        }
        return true;
    }

    /**
     * Ends a stream that completed upstream: releases held-back text, sends usage if asked, then {@code [DONE]}.
     *
     * @throws Refusal when the output was blocked and nothing had been sent yet (the caller sends an HTTP error)
     */
    void finish() {
        if (blocked != null) {
            fail(blocked.error());
            return;
        }
        if (clientGone) {
            return;
        }
        try {
            for (Map.Entry<Integer, StreamGuard> e : guards.entrySet()) {
                String rest = e.getValue().flush();
                if (!rest.isEmpty()) {
                    if (e.getKey() == 0) {
                        answer.append(rest);
                    }
                    send(contentChunk(e.getKey(), rest));
                }
            }
        } catch (Refusal r) {
            fail(r.error());
            return;
        }
        for (Map.Entry<Integer, Map<Integer, Restorer>> e : toolRestorers.entrySet()) {
            if (!e.getValue().isEmpty()) {
                ObjectNode chunk = template();
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", e.getKey());
                appendToolRests(choice.putObject("delta"), e.getValue());
                choice.putNull("finish_reason");
                if (!choice.get("delta").isEmpty()) {
                    send(chunk);
                }
            }
        }
        flushPending();
        if (includeUsage && usageSeen) {
            ObjectNode usageChunk = template();
            usageChunk.putArray("choices");
            ObjectNode usage = usageChunk.putObject("usage");
            usage.put("prompt_tokens", promptTokens);
            usage.put("completion_tokens", completionTokens);
            usage.put("total_tokens", promptTokens + completionTokens);
            send(usageChunk);
        }
        if (events == null) {
            events = exchange.openEventStream();
        }
        events.send("[DONE]");
        events.close();
    }

    /**
     * Ends the stream with an error. Before anything was sent, this is an ordinary HTTP error; after, an
     * {@code error} event in OpenAI's shape, and the stream closes without {@code [DONE]}.
     */
    void fail(ApiError error) {
        if (clientGone) {
            return;
        }
        if (events == null && !exchange.responseStarted()) {
            exchange.respondError(error);
            return;
        }
        if (events == null) {
            events = exchange.openEventStream();
        }
        events.send(error.toJson().toString());
        events.close();
    }

    /** Whether a chunk carries generated text or a tool-call fragment (not just a role or a finish reason). */
    private static boolean carriesToken(ObjectNode chunk) {
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()
                    || delta.path("tool_calls").isArray() && !delta.get("tool_calls").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** {@link System#nanoTime()} when the first token reached the client, if one did. */
    java.util.OptionalLong firstTokenAt() {
        return firstTokenAt == 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(firstTokenAt);
    }

    boolean started() {
        return events != null;
    }

    boolean clientGone() {
        return clientGone;
    }

    Refusal blocked() {
        return blocked;
    }

    private static final String FILLER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    /**
     * Adds an {@code obfuscation} field that rounds the size of the event's text up to a multiple of 32 bytes: every
     * token of up to 32 bytes then yields an event of the same size, whatever its length. The filler is random so
     * compression cannot undo it.
     */
    static void pad(ObjectNode chunk) {
        int text = 0;
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode content = choice.path("delta").path("content");
            if (content.isTextual()) {
                text += content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        int pad = 32 - Math.floorMod(text, 32);
        StringBuilder filler = new StringBuilder(pad);
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < pad; i++) {
            filler.append(FILLER.charAt(random.nextInt(FILLER.length())));
        }
        chunk.put("obfuscation", filler.toString());
    }

    /** The text of choice 0 as it reached the client. */
    String answerText() {
        return answer.toString();
    }

    long promptTokens() {
        return promptTokens;
    }

    long completionTokens() {
        return completionTokens;
    }

    private ObjectNode contentChunk(int index, String text) {
        ObjectNode chunk = template();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.putObject("delta").put("content", text);
        choice.putNull("finish_reason");
        return chunk;
    }

    private ObjectNode template() {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", lastChunk == null ? "chatcmpl-bastion" : lastChunk.path("id").asText("chatcmpl-bastion"));
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", lastChunk == null ? 0 : lastChunk.path("created").asLong(0));
        chunk.put("model", clientModel);
        return chunk;
    }
}
