package dev.bastion.app.redteam;

import java.util.List;
import java.util.Objects;

/**
 * What an endpoint sent back for one probe, as read from the wire, before any judging or redaction.
 *
 * @param status HTTP status; 0 when no response arrived
 * @param requestId the {@code x-request-id} header (Bastion's id of the decision record); empty when absent
 * @param errorType the OpenAI-style {@code error.type} of an error body, for example {@code policy_violation}; empty
 * @param errorCode the {@code error.code} of an error body, for example {@code output_blocked}; empty
 * @param answer the text of every choice, joined by blank lines; empty for errors
 * @param toolCalls the tool calls of every choice
 * @param completionTokens {@code usage.completion_tokens}; -1 when the endpoint reported none
 * @param transportError the exception class when no response arrived; empty otherwise
 * @param millis time from sending to the whole body received
 */
public record Reply(int status, String requestId, String errorType, String errorCode, String answer,
        List<ToolCall> toolCalls, long completionTokens, String transportError, long millis) {

    public Reply {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(answer, "answer");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(transportError, "transportError");
        if (status < 0 || status > 599) {
            throw new IllegalArgumentException("bad HTTP status " + status);
        }
    }

    /** A reply that never came. */
    public static Reply failed(String transportError, long millis) {
        return new Reply(0, "", "", "", "", List.of(), -1, transportError, millis);
    }

    /** One tool call: the function name and its arguments as the model wrote them. */
    public record ToolCall(String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }
}
