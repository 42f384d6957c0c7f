package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.BenchTiming;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.ChatBackend;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Relays an upstream chat stream to the client, composed of layers in this order: the output guard
 * ({@link ChunkGuard}: scan with a hold-back window, restore pseudonyms), coalescing ({@link Coalescer}), padding
 * ({@link Padding}), then server-sent-event framing ({@link Exchange.EventStream}). The model name is the one the
 * client asked for; usage is captured for accounting and sent at the end only if the client asked for it
 * ({@code stream_options.include_usage}).
 *
 * <p>The client's event stream opens with the first chunk that goes out, so a backend that fails, or an output that
 * is blocked, before anything was sent still gets a proper HTTP error. When the upstream is done, {@link #outcome}
 * says how the stream ended as a value; the pipeline records it and then calls {@link #complete()} or
 * {@link #fail(ApiError)}. One per request; not thread-safe (the backend calls it from one thread).
 */
final class StreamRelay implements ChatBackend.ChunkSink, Outcome.Reply.End {
    private final Exchange exchange;
    private final ChunkGuard guard;
    private final Coalescer coalescer;
    private final boolean padding;
    private final String clientModel;
    private final boolean includeUsage;
    private Exchange.EventStream events;
    private ObjectNode lastChunk;
    private Outcome.Usage usage = Outcome.Usage.NONE;
    private boolean usageSeen;
    private boolean clientGone;
    private ApiError blocked;
    private List<ObjectNode> rest = List.of();
    /** {@link System#nanoTime()} when the first text or tool-call fragment was sent; 0 before. */
    private long firstTokenAt;
    /** Bench timing only ({@link BenchTiming#ON}): when the request arrived, the backend was called, the first chunk came. */
    private long startedAt;
    private long backendAt;
    private long firstChunkAt;

    StreamRelay(Exchange exchange, ChunkGuard guard, String clientModel, boolean includeUsage, boolean padding,
            int coalesceBytes, java.time.Duration coalesceInterval) {
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clientModel = Objects.requireNonNull(clientModel, "clientModel");
        this.includeUsage = includeUsage;
        this.padding = padding;
        this.coalescer = new Coalescer(coalesceBytes, coalesceInterval, text -> contentChunk(0, text));
    }

    /** Bench timing: the request arrived at {@code started} and its backend is called now. */
    void calling(long started) {
        if (BenchTiming.ON) {
            startedAt = started;
            backendAt = System.nanoTime();
        }
    }

    @Override
    public boolean accept(ObjectNode chunk) {
        if (BenchTiming.ON && firstChunkAt == 0) {
            firstChunkAt = System.nanoTime();
        }
        if (clientGone || blocked != null) {
            return false;
        }
        if (chunk.hasNonNull("id")) {
            lastChunk = chunk;
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usageSeen = true;
            usage = new Outcome.Usage(Math.max(0, u.path("prompt_tokens").asLong(0)),
                    Math.max(0, u.path("completion_tokens").asLong(0)));
        }
        chunk.remove("usage");
        chunk.put("model", clientModel);
        if (!exchange.readsInternalFields()) {
            ChatEndpoint.removeInternalFields(chunk);
        }
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray()) {
            return send(coalescer.push(chunk));
        }
        if (choices.isEmpty()) {
            return true; // a usage-only chunk: usage is sent at the end, after the held-back text
        }
        return switch (guard.guard(chunk)) {
            case ChunkGuard.Guarded.Send s -> send(coalescer.push(s.chunk()));
            case ChunkGuard.Guarded.Hold h -> true;
            case ChunkGuard.Guarded.Blocked b -> {
                blocked = b.error();
                yield false;
            }
        };
    }

    /**
     * How the stream ended, once the upstream is done: answered (the held-back text is released by
     * {@link #complete()}), blocked (refused if nothing was sent, else cut), or cut because the client went away.
     */
    Outcome outcome() {
        if (clientGone) {
            return new Outcome.Cut(clientGoneReason(), usage, new Outcome.Reply.Streamed(this));
        }
        if (blocked == null) {
            switch (guard.end(this::contentChunk, this::template)) {
                case ChunkGuard.Ending.Rest r -> rest = r.chunks();
                case ChunkGuard.Ending.Blocked b -> blocked = b.error();
            }
        }
        if (blocked != null) {
            return events == null ? new Outcome.Refused(blocked, usage)
                    : new Outcome.Cut(blocked, usage, new Outcome.Reply.Streamed(this));
        }
        return new Outcome.Answered(new Outcome.Reply.Streamed(this), usage);
    }

    /** The outcome when the upstream failed with {@code error} part-way (or before anything was sent). */
    Outcome broken(ApiError error) {
        return events == null ? new Outcome.Failed(error, java.util.Optional.empty())
                : new Outcome.Cut(error, usage, new Outcome.Reply.Streamed(this));
    }

    static ApiError clientGoneReason() {
        return new ApiError(499, "client_closed_request", "client_gone", "The client closed the connection before the "
                + "stream ended.", java.util.Optional.empty(), java.util.Optional.empty());
    }

    /** Releases held-back text, sends usage if asked, then {@code [DONE]}. */
    @Override
    public void complete() {
        if (clientGone) {
            return;
        }
        for (ObjectNode chunk : rest) {
            send(coalescer.push(chunk));
        }
        send(coalescer.drain());
        if (includeUsage && usageSeen) {
            ObjectNode usageChunk = template();
            usageChunk.putArray("choices");
            ObjectNode u = usageChunk.putObject("usage");
            u.put("prompt_tokens", usage.promptTokens());
            u.put("completion_tokens", usage.completionTokens());
            u.put("total_tokens", usage.promptTokens() + usage.completionTokens());
            send(List.of(usageChunk));
        }
        open().send("[DONE]");
        events.close();
    }

    /**
     * Ends the stream with an error. Before anything was sent, this is an ordinary HTTP error; after, an
     * {@code error} event in OpenAI's shape, and the stream closes without {@code [DONE]}.
     */
    @Override
    public void fail(ApiError error) {
        if (clientGone) {
            return;
        }
        if (events == null && !exchange.responseStarted()) {
            exchange.respondError(error);
            return;
        }
        open().send(error.toJson().toString());
        events.close();
    }

    private boolean send(List<ObjectNode> chunks) {
        for (ObjectNode chunk : chunks) {
            if (firstTokenAt == 0 && carriesToken(chunk)) {
                firstTokenAt = System.nanoTime();
            }
            if (padding) {
                Padding.pad(chunk);
            }
            boolean first = BenchTiming.ON && events == null;
            if (!open().send(chunk.toString())) {
                clientGone = true;
                return false;
            }
            if (first && backendAt != 0) {
                timeFirstEvent();
            }
        }
        return true;
    }

    private Exchange.EventStream open() {
        if (events == null) {
            events = exchange.openEventStream();
        }
        return events;
    }

    /**
     * Bench timing of the first event, once its send (the response head and the event, flushed) returned: how long
     * the request took to reach the backend call, the upstream to send its first chunk, and the relay to send it.
     */
    private void timeFirstEvent() {
        long now = System.nanoTime();
        BenchTiming.series("stream.1-arrived-to-backend-call").add(backendAt - startedAt);
        BenchTiming.series("stream.2-backend-call-to-first-chunk").add(firstChunkAt - backendAt);
        BenchTiming.series("stream.3-first-chunk-to-first-event-sent").add(now - firstChunkAt);
        BenchTiming.series("stream.4-arrived-to-first-event-sent").add(now - startedAt);
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
    OptionalLong firstTokenAt() {
        return firstTokenAt == 0 ? OptionalLong.empty() : OptionalLong.of(firstTokenAt);
    }

    /** The text of choice 0 as it reached the client. */
    String answerText() {
        return guard.answerText();
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
