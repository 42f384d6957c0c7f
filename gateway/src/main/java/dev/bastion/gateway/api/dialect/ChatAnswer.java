package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.backend.ChatBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a dialect needs of a {@code chat.completion}: choice 0's text, its tool calls, why it finished, and the
 * token counts. The dialects ask for one choice only, so other choices (there are none) would be ignored.
 *
 * @param text the answer text, empty when the model only called tools
 * @param toolCalls the tool calls, in order
 * @param finishReason OpenAI's finish reason ({@code stop}, {@code length}, {@code tool_calls}, ...)
 * @param stopSequence the stop sequence that ended the answer when the backend named one
 *     ({@link ChatBackend#STOP_SEQUENCE}), else empty
 */
record ChatAnswer(String id, long created, String model, String text, List<ToolCall> toolCalls,
        String finishReason, String stopSequence, long promptTokens, long completionTokens) {

    ChatAnswer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(stopSequence, "stopSequence");
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    /** One function call: its id, the function's name and the arguments as JSON text. */
    record ToolCall(String id, String name, String arguments) {
        ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    static ChatAnswer of(ObjectNode completion) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            calls.add(new ToolCall(call.path("id").asText("call_" + calls.size()),
                    call.path("function").path("name").asText(""), call.path("function").path("arguments").asText("")));
        }
        JsonNode usage = completion.path("usage");
        return new ChatAnswer(completion.path("id").asText(""), completion.path("created").asLong(0),
                completion.path("model").asText(""), message.path("content").isTextual() ? message.get("content").asText() : "",
                calls, choice.path("finish_reason").asText("stop"), choice.path(ChatBackend.STOP_SEQUENCE).asText(""),
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0));
    }
}
