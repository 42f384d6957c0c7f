package dev.bastion.gateway.api.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** What the chat pipeline sends a dialect, built for tests: answers, stream chunks, and a stream played through. */
final class Chat {
    private Chat() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code chat.completion} with {@code text} (may be null) and tool calls given as name/arguments pairs. */
    static ObjectNode completion(String text, String finish, String... calls) {
        ObjectNode c = json("{'id':'chatcmpl-1','object':'chat.completion','created':1700000000,'model':'m',"
                + "'usage':{'prompt_tokens':11,'completion_tokens':7,'total_tokens':18}}");
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0).put("finish_reason", finish);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (text == null) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        for (int i = 0; i < calls.length; i += 2) {
            ObjectNode call = message.withArray("tool_calls").addObject().put("id", "call_" + i / 2).put("type", "function");
            call.putObject("function").put("name", calls[i]).put("arguments", calls[i + 1]);
        }
        return c;
    }

    static ObjectNode textChunk(String text) {
        return chunk("{'content':" + Json.MAPPER.getNodeFactory().textNode(text) + "}", null);
    }

    static ObjectNode chunk(String delta, String finish) {
        ObjectNode c = json("{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1700000000,'model':'m'}");
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.set("delta", json(delta));
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return c;
    }

    static ObjectNode usageChunk() {
        ObjectNode c = json("{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1700000000,'model':'m',"
                + "'choices':[],'usage':{'prompt_tokens':11,'completion_tokens':7,'total_tokens':18}}");
        return c;
    }

    /** Plays {@code chunks} then {@code [DONE]} through a dialect's stream translator. */
    static List<Dialect.Event> play(Dialect dialect, ObjectNode... chunks) {
        Dialect.StreamTranslator t = dialect.stream();
        List<Dialect.Event> out = new ArrayList<>();
        for (ObjectNode c : chunks) {
            out.addAll(t.chunk(c));
        }
        out.addAll(t.done());
        return out;
    }

    static JsonNode data(Dialect.Event e) {
        try {
            return Json.MAPPER.readTree(e.data());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** The refusal {@code dialect} gives {@code body}, which must be a 400 invalid_request_error. */
    static ApiError refused(Dialect dialect, String body) {
        Refusal r = catchThrowableOfType(Refusal.class, () -> dialect.toChat(json(body)));
        assertThat(r).as("refused: %s", body).isNotNull();
        assertThat(r.error().status()).isEqualTo(400);
        assertThat(r.error().type()).isEqualTo("invalid_request_error");
        assertThat(r.error().code()).as("codes are metric labels: a fixed set, no indexes or client names")
                .matches("invalid_(model|input|instructions|tools|tool_choice|text|store|truncation|previous_response_id"
                        + "|prompt|echo|n|best_of|logprobs|suffix|messages|max_tokens|system|stop_sequences|temperature"
                        + "|thinking|stream_options|metadata)|unknown_field");
        return r.error();
    }
}
