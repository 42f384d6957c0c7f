package dev.bastion.app.redteam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles an OpenAI-style chat stream (server-sent events, {@code data: {chunk}} lines ending with
 * {@code data: [DONE]}) into one {@link Reply}: each choice's {@code delta.content} joined in order, each tool call's
 * name and argument fragments joined by choice and call index, the usage of the last chunk that has one. An
 * {@code error} event (a gateway that cut the stream, or an upstream that failed part-way) sets the reply's error
 * type and code; the text sent before it stays in the answer, because a client already showed it. Stateless.
 */
final class StreamedReply {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamedReply() {
    }

    static Reply read(int status, String requestId, String body, long millis) {
        Map<Integer, StringBuilder> text = new TreeMap<>();
        Map<Long, String[]> calls = new TreeMap<>(); // (choice << 20 | call index) -> {name, arguments}
        String errorType = "";
        String errorCode = "";
        long tokens = -1;
        for (String line : body.split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue; // comments, event names, ids and the blank lines between events
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                break;
            }
            JsonNode chunk;
            try {
                chunk = JSON.readTree(data);
            } catch (IOException e) {
                continue; // not JSON: nothing a client would show
            }
            if (chunk == null || !chunk.isObject()) {
                continue;
            }
            JsonNode error = chunk.path("error");
            if (error.isObject()) {
                errorType = error.path("type").asText("");
                errorCode = error.path("code").asText("");
                if (errorType.isEmpty() && errorCode.isEmpty()) {
                    errorType = "stream_error";
                }
            }
            if (chunk.path("usage").isObject()) {
                tokens = chunk.path("usage").path("completion_tokens").asLong(tokens);
            }
            for (JsonNode choice : chunk.path("choices")) {
                int index = choice.path("index").asInt(0);
                JsonNode delta = choice.path("delta");
                String content = delta.path("content").asText("");
                if (!content.isEmpty()) {
                    text.computeIfAbsent(index, i -> new StringBuilder()).append(content);
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    long key = ((long) index << 20) | call.path("index").asInt(0);
                    String[] c = calls.computeIfAbsent(key, k -> new String[] {"", ""});
                    c[0] += call.path("function").path("name").asText("");
                    c[1] += call.path("function").path("arguments").asText("");
                }
            }
        }
        StringBuilder answer = new StringBuilder();
        for (StringBuilder t : text.values()) {
            answer.append(answer.isEmpty() ? "" : "\n\n").append(t);
        }
        List<Reply.ToolCall> toolCalls = new ArrayList<>();
        calls.values().forEach(c -> toolCalls.add(new Reply.ToolCall(c[0], c[1])));
        return new Reply(status, requestId, errorType, errorCode, answer.toString(), toolCalls, tokens, "", millis);
    }
}
