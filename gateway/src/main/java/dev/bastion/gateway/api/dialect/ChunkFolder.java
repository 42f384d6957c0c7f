package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the pipeline's {@code chat.completion.chunk}s (choice 0) as the block-level steps the Responses and
 * Anthropic streams are made of: text as it comes, then each tool call whole, then the finish reason and usage.
 *
 * <p>Why tool calls are passed on whole, at the end of the turn: the pipeline restores pseudonyms in tool-call
 * arguments with a restorer per call that may hold back the end of a call's arguments (a possible surrogate) until
 * the turn finishes, after later calls have started. A block-structured stream cannot add to a block it has
 * closed, so a call's block is only opened once every fragment of it is in. Text is not held back. One per
 * stream; not thread-safe.
 */
final class ChunkFolder {
    /** Receives the steps. */
    interface Blocks {
        /** A piece of answer text; {@code obfuscation} is the chunk's padding field, empty when there is none. */
        void text(String text, String obfuscation);

        /** The text so far is complete (called before a tool call and at the end, only after some text). */
        void endText();

        /** One complete tool call. */
        void toolCall(ChatAnswer.ToolCall call);
    }

    private record Pending(StringBuilder id, StringBuilder name, StringBuilder arguments) {
    }

    private final Blocks blocks;
    private final Map<Integer, Pending> calls = new LinkedHashMap<>();
    private boolean inText;
    private String finishReason = "stop";
    private long promptTokens;
    private long completionTokens;

    ChunkFolder(Blocks blocks) {
        this.blocks = blocks;
    }

    void accept(ObjectNode chunk) {
        JsonNode usage = chunk.path("usage");
        if (usage.isObject()) {
            promptTokens = usage.path("prompt_tokens").asLong(0);
            completionTokens = usage.path("completion_tokens").asLong(0);
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()) {
                inText = true;
                blocks.text(delta.get("content").asText(), chunk.path("obfuscation").asText(""));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                Pending p = calls.computeIfAbsent(call.path("index").asInt(0),
                        k -> new Pending(new StringBuilder(), new StringBuilder(), new StringBuilder()));
                p.id().append(call.path("id").asText(""));
                p.name().append(call.path("function").path("name").asText(""));
                p.arguments().append(call.path("function").path("arguments").asText(""));
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
                finish();
            }
        }
    }

    /** Ends the turn if no chunk did: closes the text and passes on the tool calls. Idempotent. */
    void finish() {
        if (inText) {
            blocks.endText();
            inText = false;
        }
        for (Map.Entry<Integer, Pending> e : calls.entrySet()) {
            Pending p = e.getValue();
            String id = p.id().isEmpty() ? "call_" + e.getKey() : p.id().toString();
            blocks.toolCall(new ChatAnswer.ToolCall(id, p.name().toString(), p.arguments().toString()));
        }
        calls.clear();
    }

    String finishReason() {
        return finishReason;
    }

    long promptTokens() {
        return promptTokens;
    }

    long completionTokens() {
        return completionTokens;
    }
}
