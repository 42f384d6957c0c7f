package dev.bastion.gateway.api.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ChatRequest;
import dev.bastion.gateway.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's legacy {@code POST /v1/completions}: one prompt continued as text.
 *
 * <p>The prompt becomes the one user message of a chat request marked {@link ChatRequest#TEXT_COMPLETION}: the
 * local engine continues it raw (no chat template, so base models answer), an upstream model answers it as a
 * one-message chat. Translated: {@code prompt} (a string or a list of one string), {@code max_tokens} (default
 * 16, as OpenAI's), {@code stop}, {@code temperature}, {@code top_p}, {@code seed}, {@code frequency_penalty},
 * {@code presence_penalty}, {@code logit_bias}, {@code user}, {@code stream}, {@code stream_options}. Refused:
 * several prompts, token-id prompts, {@code echo: true}, {@code n} or {@code best_of} above 1, {@code logprobs},
 * {@code suffix}. Errors keep OpenAI's shape.
 */
public final class CompletionsDialect implements Dialect {
    static final int DEFAULT_MAX_TOKENS = 16;
    private static final Set<String> KNOWN = Set.of("model", "prompt", "max_tokens", "stop", "temperature", "top_p",
            "seed", "frequency_penalty", "presence_penalty", "logit_bias", "user", "stream", "stream_options", "echo",
            "n", "best_of", "logprobs", "suffix");
    private static final Set<String> PASSED = Set.of("model", "max_tokens", "stop", "temperature", "top_p", "seed",
            "frequency_penalty", "presence_penalty", "logit_bias", "user");

    private final String id;
    private final long created;
    private boolean includeUsage;

    /** @param id the response id ({@code cmpl-...}) @param created epoch seconds, used when the answer has none */
    public CompletionsDialect(String id, long created) {
        this.id = id;
        this.created = created;
    }

    @Override
    public String endpoint() {
        return "completions";
    }

    @Override
    public ObjectNode toChat(ObjectNode request) {
        Fields.refuseUnknown(request, KNOWN, "POST /v1/completions");
        Fields.refuseUnless(request, "echo", BooleanNode.FALSE, "'echo' must be false: Bastion does not echo the prompt.");
        Fields.refuseUnless(request, "n", IntNode.valueOf(1), "'n' must be 1: Bastion returns one completion.");
        Fields.refuseUnless(request, "best_of", IntNode.valueOf(1), "'best_of' must be 1.");
        if (Fields.present(request, "logprobs")) {
            throw Fields.bad("logprobs", "'logprobs' is not supported on /v1/completions.");
        }
        if (Fields.present(request, "suffix")) {
            throw Fields.bad("suffix", "'suffix' (insertion) is not supported.");
        }
        String prompt = prompt(request.get("prompt"));
        ObjectNode chat = Json.MAPPER.createObjectNode();
        for (String field : PASSED) {
            Fields.copy(request, field, chat, field);
        }
        if (!chat.has("max_tokens")) {
            chat.put("max_tokens", DEFAULT_MAX_TOKENS);
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        chat.put(ChatRequest.TEXT_COMPLETION, true);
        JsonNode stream = request.get("stream");
        if (stream != null && !stream.isNull()) {
            chat.set("stream", stream);
        }
        JsonNode options = request.get("stream_options");
        if (options != null && !options.isNull()) {
            Fields.requireObject(options, "stream_options");
            includeUsage = options.path("include_usage").asBoolean(false);
        }
        if (stream != null && stream.asBoolean(false)) {
            chat.putObject("stream_options").put("include_usage", true); // the usage chunk is sent only if asked
        }
        return chat;
    }

    private static String prompt(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw Fields.bad("prompt", "'prompt' is required: a string (or a list of one string).");
        }
        if (prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return prompt.get(0).asText();
        }
        if (prompt.isArray() && prompt.size() > 1 && prompt.get(0).isTextual()) {
            throw Fields.bad("prompt", "'prompt' holds several prompts; Bastion answers one prompt a request: send one "
                    + "request per prompt.");
        }
        throw Fields.bad("prompt", "'prompt' must be a string or a list of one string (token-id prompts are not "
                + "supported).");
    }

    @Override
    public ObjectNode answer(ObjectNode completion) {
        ChatAnswer a = ChatAnswer.of(completion);
        ObjectNode out = header(a.created());
        out.put("model", a.model());
        out.putArray("choices").add(choice(a.text(), a.finishReason()));
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", a.promptTokens());
        usage.put("completion_tokens", a.completionTokens());
        usage.put("total_tokens", a.promptTokens() + a.completionTokens());
        return out;
    }

    private ObjectNode header(long when) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("object", "text_completion");
        out.put("created", when == 0 ? created : when);
        return out;
    }

    private static ObjectNode choice(String text, String finishReason) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("text", text);
        c.put("index", 0);
        c.putNull("logprobs");
        if (finishReason == null) {
            c.putNull("finish_reason");
        } else {
            c.put("finish_reason", finishReason);
        }
        return c;
    }

    @Override
    public StreamTranslator stream() {
        return new StreamTranslator() {
            @Override
            public List<Event> chunk(ObjectNode chunk) {
                List<Event> out = new ArrayList<>();
                ObjectNode frame = header(chunk.path("created").asLong(0));
                frame.put("model", chunk.path("model").asText(""));
                if (chunk.path("usage").isObject()) {
                    if (!includeUsage) {
                        return out;
                    }
                    JsonNode u = chunk.get("usage");
                    frame.putArray("choices");
                    frame.putObject("usage").put("prompt_tokens", u.path("prompt_tokens").asLong(0))
                            .put("completion_tokens", u.path("completion_tokens").asLong(0))
                            .put("total_tokens", u.path("total_tokens").asLong(0));
                    out.add(Event.plain(frame.toString()));
                    return out;
                }
                JsonNode c = chunk.path("choices").path(0);
                String text = c.path("delta").path("content").asText("");
                String finish = c.hasNonNull("finish_reason") ? c.get("finish_reason").asText() : null;
                if (text.isEmpty() && finish == null) {
                    return out;
                }
                frame.putArray("choices").add(choice(text, finish));
                if (chunk.has("obfuscation")) {
                    frame.set("obfuscation", chunk.get("obfuscation"));
                }
                out.add(Event.plain(frame.toString()));
                return out;
            }

            @Override
            public List<Event> done() {
                return List.of(Event.plain("[DONE]"));
            }

            @Override
            public List<Event> error(ObjectNode error) {
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.set("error", error);
                return List.of(Event.plain(body.toString()));
            }
        };
    }
}
