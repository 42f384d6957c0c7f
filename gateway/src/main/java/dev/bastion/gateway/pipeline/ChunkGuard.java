package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Pseudonymizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The output guard of a stream, chunk by chunk: each choice's text passes its own {@link StreamGuard} (scan with a
 * hold-back window, restore pseudonyms), and tool-call arguments, which arrive as fragments of JSON text, pass a
 * {@link ToolArgumentGuard} per choice and call (the prompt canary looked for across fragments; pseudonyms restored
 * through a JSON-aware restorer, so a surrogate split between fragments, or escaped by the model, comes back whole).
 * Each fragment's safe part goes out with its chunk. Knows nothing of framing, coalescing or padding. One per
 * stream; not thread-safe.
 */
final class ChunkGuard {
    private final CompiledRoute route;
    private final Pseudonymizer pseudonymizer;
    private final GatewayMetrics metrics;
    private final int window;
    private final Optional<String> canary;
    private final Map<Integer, StreamGuard> guards = new TreeMap<>();
    /** Per choice, per tool call index: the guard of its arguments. */
    private final Map<Integer, Map<Integer, ToolArgumentGuard>> toolGuards = new HashMap<>();
    private final StringBuilder answer = new StringBuilder();

    ChunkGuard(CompiledRoute route, Pseudonymizer pseudonymizer, GatewayMetrics metrics, int window, Optional<String> canary) {
        this.route = Objects.requireNonNull(route, "route");
        this.pseudonymizer = Objects.requireNonNull(pseudonymizer, "pseudonymizer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.window = window;
        this.canary = Objects.requireNonNull(canary, "canary");
    }

    /** A guarded chunk: to send (possibly with fewer choices or shorter text), nothing to send yet, or a block. */
    sealed interface Guarded {
        record Send(ObjectNode chunk) implements Guarded {
        }

        record Hold() implements Guarded {
        }

        record Blocked(ApiError error) implements Guarded {
        }
    }

    /** Guards one upstream chunk in place ({@code choices} present and non-empty). */
    Guarded guard(ObjectNode chunk) {
        ArrayNode choices = (ArrayNode) chunk.get("choices");
        for (int i = choices.size() - 1; i >= 0; i--) {
            if (!(choices.get(i) instanceof ObjectNode c)) {
                continue;
            }
            int index = c.path("index").asInt(0);
            StreamGuard guard = guards.computeIfAbsent(index, k -> new StreamGuard(route, pseudonymizer, metrics, window, canary));
            ObjectNode delta = c.path("delta") instanceof ObjectNode d ? d : c.putObject("delta");
            boolean finishing = c.hasNonNull("finish_reason");
            StreamGuard.Released released = delta.path("content").isTextual()
                    ? guard.append(delta.get("content").asText()) : new StreamGuard.Released.Text("");
            if (finishing && released instanceof StreamGuard.Released.Text(String head)) {
                released = switch (guard.flush()) {
                    case StreamGuard.Released.Text(String rest) -> new StreamGuard.Released.Text(head + rest);
                    case StreamGuard.Released.Blocked b -> b;
                };
            }
            if (!(released instanceof StreamGuard.Released.Text(String text))) {
                return new Guarded.Blocked(((StreamGuard.Released.Blocked) released).error());
            }
            Optional<ApiError> leak = guardToolArguments(index, delta, finishing);
            if (leak.isPresent()) {
                return new Guarded.Blocked(leak.get());
            }
            if (!text.isEmpty()) {
                if (index == 0) {
                    answer.append(text);
                }
                delta.put("content", text);
            } else if (delta.path("content").isTextual()) {
                delta.remove("content");
            }
            boolean carriesSomething = !delta.isEmpty() || finishing || c.has("logprobs") && !c.get("logprobs").isNull();
            if (!carriesSomething) {
                choices.remove(i);
            }
        }
        return choices.isEmpty() ? new Guarded.Hold() : new Guarded.Send(chunk);
    }

    /** The ending of a completed stream: held-back text and argument fragments as chunks, or the block. */
    sealed interface Ending {
        record Rest(List<ObjectNode> chunks) implements Ending {
            public Rest {
                chunks = List.copyOf(chunks);
            }
        }

        record Blocked(ApiError error) implements Ending {
        }
    }

    /** Releases everything held back; {@code template} makes an empty chunk of this stream. */
    Ending end(java.util.function.BiFunction<Integer, String, ObjectNode> contentChunk, java.util.function.Supplier<ObjectNode> template) {
        List<ObjectNode> out = new ArrayList<>();
        for (Map.Entry<Integer, StreamGuard> e : guards.entrySet()) {
            switch (e.getValue().flush()) {
                case StreamGuard.Released.Blocked b -> {
                    return new Ending.Blocked(b.error());
                }
                case StreamGuard.Released.Text(String rest) -> {
                    if (!rest.isEmpty()) {
                        if (e.getKey() == 0) {
                            answer.append(rest);
                        }
                        out.add(contentChunk.apply(e.getKey(), rest));
                    }
                }
            }
        }
        for (Map.Entry<Integer, Map<Integer, ToolArgumentGuard>> e : toolGuards.entrySet()) {
            if (!e.getValue().isEmpty()) {
                ObjectNode chunk = template.get();
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", e.getKey());
                appendToolRests(choice.putObject("delta"), e.getValue());
                choice.putNull("finish_reason");
                if (!choice.get("delta").isEmpty()) {
                    out.add(chunk);
                }
            }
        }
        return new Ending.Rest(out);
    }

    /** The text of choice 0 as released to the client so far. */
    String answerText() {
        return answer.toString();
    }

    /** Guards the tool-call argument fragments of {@code delta} in place; the block when one leaks the canary. */
    private Optional<ApiError> guardToolArguments(int choice, ObjectNode delta, boolean finishing) {
        if (pseudonymizer.isEmpty() && canary.isEmpty()) {
            return Optional.empty();
        }
        Map<Integer, ToolArgumentGuard> calls = toolGuards.computeIfAbsent(choice, k -> new TreeMap<>());
        for (JsonNode call : delta.path("tool_calls")) {
            if (call instanceof ObjectNode c && c.path("function") instanceof ObjectNode fn && fn.path("arguments").isTextual()) {
                ToolArgumentGuard g = calls.computeIfAbsent(c.path("index").asInt(0),
                        k -> new ToolArgumentGuard(pseudonymizer, canary));
                switch (g.push(fn.get("arguments").asText())) {
                    case ToolArgumentGuard.Released.Arguments(String text) -> fn.put("arguments", text);
                    case ToolArgumentGuard.Released.Blocked b -> {
                        return Optional.of(b.error());
                    }
                }
            }
        }
        if (finishing) {
            appendToolRests(delta, calls);
        }
        return Optional.empty();
    }

    /** Adds what each call's guard still holds as final argument fragments to {@code delta}. */
    private static void appendToolRests(ObjectNode delta, Map<Integer, ToolArgumentGuard> restorers) {
        for (Map.Entry<Integer, ToolArgumentGuard> e : restorers.entrySet()) {
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
}
