package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.backend.ChatBackend;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pipeline's {@code chat.completion.chunk}s (choice 0) as the blocks the Responses and Anthropic streams
 * are made of, one after another: text as it comes, and each tool call's arguments as they come, then the finish
 * reason, the stop sequence and usage. One per stream; not thread-safe.
 *
 * <p>A chat stream may mix what a block stream must keep apart: fragments of several tool calls (by index), and
 * text. The folder keeps the blocks in the order they first appeared and streams only the first unfinished one;
 * what arrives for a later block is held and released when that block's turn comes. The block being streamed ends
 * when a later one has appeared and the streamed one is finished: text always is, a tool call once its arguments
 * are a complete JSON object or array (nothing valid can follow). So for calls one after another, as OpenAI,
 * vLLM and the Anthropic backend stream them, the first call closes when the second starts and every call streams
 * as it arrives; for calls whose fragments interleave, the later call is held until the earlier one's JSON is
 * complete, or until the turn ends when it never is (arguments that are not JSON). Everything left ends at the
 * finish, in order.
 *
 * <p>The pipeline's restorer may hold back the end of a call's arguments (a possible pseudonym surrogate); the
 * folder sees the restored text only, so a call's JSON is complete only once its restorer has released the end.
 */
final class ChunkFolder {
    /** Receives the blocks, each one opened, filled and ended before the next begins. */
    interface Blocks {
        /** A piece of answer text; {@code obfuscation} is the chunk's padding field, empty when there is none. */
        void text(String text, String obfuscation);

        /** The text so far is complete (called before a tool call and at the end; a no-op after no text). */
        void endText();

        /** A tool call's block opens, with its id and function name. */
        void callStart(String id, String name);

        /** More of the open call's arguments (JSON text, as the pipeline restored it). */
        void callArguments(String fragment);

        /** The open call ends; {@code call} holds all its arguments. */
        void callEnd(ChatAnswer.ToolCall call);
    }

    /** The upstream sent more for a tool call whose arguments were already a complete JSON value. */
    static final class OutOfOrder extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfOrder() {
            super("the model sent more arguments for a tool call after its JSON had ended", null, false, false);
        }
    }

    private sealed interface Block permits Text, Call {
    }

    /** Text held while an earlier block streams. */
    private static final class Text implements Block {
        final StringBuilder held = new StringBuilder();
    }

    private static final class Call implements Block {
        final int index;
        final StringBuilder id = new StringBuilder();
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
        final JsonEnd json = new JsonEnd();
        int sent;
        boolean opened;

        Call(int index) {
            this.index = index;
        }
    }

    private final Blocks blocks;
    /** The blocks not yet ended, in order of appearance; the first is the one being streamed. */
    private final Deque<Block> queue = new ArrayDeque<>();
    private final Map<Integer, Call> calls = new HashMap<>();
    private final Set<Integer> ended = new HashSet<>();
    private String finishReason = "stop";
    private String stopSequence = "";
    private long promptTokens;
    private long completionTokens;

    ChunkFolder(Blocks blocks) {
        this.blocks = blocks;
    }

    /**
     * Folds one chunk.
     *
     * @throws OutOfOrder when a call that has ended gets more than white space
     */
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
                text(delta.get("content").asText(), chunk.path("obfuscation").asText(""));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                fragment(call);
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
                stopSequence = choice.path(ChatBackend.STOP_SEQUENCE).asText("");
                finish();
            }
        }
    }

    private void text(String text, String obfuscation) {
        if (!(queue.peekLast() instanceof Text)) {
            queue.addLast(new Text());
        }
        if (queue.size() == 1) {
            blocks.text(text, obfuscation);
        } else {
            ((Text) queue.peekLast()).held.append(text); // its padding was for this chunk; the held text goes out bare
        }
        advance();
    }

    private void fragment(JsonNode fragment) {
        int index = fragment.path("index").asInt(0);
        String arguments = fragment.path("function").path("arguments").asText("");
        if (ended.contains(index)) {
            if (!arguments.isBlank()) {
                throw new OutOfOrder();
            }
            return; // white space after the JSON: nothing a client needs
        }
        Call call = calls.get(index);
        if (call == null) {
            call = new Call(index);
            calls.put(index, call);
            queue.addLast(call);
        }
        if (!call.opened) { // id and name are taken as they stand when the block opens
            call.id.append(fragment.path("id").asText(""));
            call.name.append(fragment.path("function").path("name").asText(""));
        }
        call.arguments.append(arguments);
        call.json.push(arguments);
        if (queue.peekFirst() == call) {
            begin(call);
        }
        advance();
    }

    /** Ends the streamed block while a later one is waiting and the streamed one is finished. */
    private void advance() {
        while (queue.size() > 1 && finished(queue.peekFirst())) {
            end(queue.pollFirst());
            begin(queue.peekFirst());
        }
    }

    private static boolean finished(Block block) {
        return switch (block) {
            case Text t -> true;
            case Call c -> c.json.complete();
        };
    }

    /** The block's turn has come (or it got more while streaming): sends what it holds. */
    private void begin(Block block) {
        switch (block) {
            case Text t -> {
                if (!t.held.isEmpty()) {
                    blocks.text(t.held.toString(), "");
                    t.held.setLength(0);
                }
            }
            case Call c -> {
                if (c.sent < c.arguments.length()) {
                    open(c);
                    blocks.callArguments(c.arguments.substring(c.sent));
                    c.sent = c.arguments.length();
                }
            }
        }
    }

    private void open(Call c) {
        if (!c.opened) {
            c.opened = true;
            blocks.callStart(id(c), c.name.toString());
        }
    }

    private void end(Block block) {
        switch (block) {
            case Text t -> blocks.endText();
            case Call c -> {
                open(c);
                calls.remove(c.index);
                ended.add(c.index);
                blocks.callEnd(new ChatAnswer.ToolCall(id(c), c.name.toString(), c.arguments.toString()));
            }
        }
    }

    private static String id(Call c) {
        return c.id.isEmpty() ? "call_" + c.index : c.id.toString();
    }

    /** Ends the turn: every block still open or held goes out, in order. Idempotent. */
    void finish() {
        while (!queue.isEmpty()) {
            Block head = queue.pollFirst();
            end(head);
            if (!queue.isEmpty()) {
                begin(queue.peekFirst());
            }
        }
    }

    String finishReason() {
        return finishReason;
    }

    /** The stop sequence that ended the answer when the backend named one, else empty. */
    String stopSequence() {
        return stopSequence;
    }

    long promptTokens() {
        return promptTokens;
    }

    long completionTokens() {
        return completionTokens;
    }
}
