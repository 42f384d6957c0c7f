package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.backend.BackendException.Kind;
import dev.bastion.gateway.config.ModelSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * An Anthropic Messages API upstream ({@code backend: anthropic}): the OpenAI chat request the pipeline hands over
 * is translated by {@link AnthropicRequests} and posted to {@code base-url + /v1/messages} with {@code x-api-key}
 * and {@code anthropic-version}; the answer, or its event stream, comes back through {@link AnthropicResponses} as
 * OpenAI {@code chat.completion} objects or chunks, so the pipeline's output scanners, pseudonym restoring and
 * usage accounting work unchanged. The HTTP exchange (timeouts, retries, {@code Retry-After}, error mapping, with
 * 529 "overloaded" treated as 503) is {@link UpstreamHttp}'s, shared with {@link OpenAiBackend}. Error messages
 * never contain the credential or the prompt. Thread-safe.
 */
public final class AnthropicBackend implements ChatBackend {
    private final UpstreamHttp http;

    /** @param env the environment from which {@code api-key-env} credentials are read */
    public AnthropicBackend(Map<String, String> env) {
        this(env, "auto");
    }

    /** @param client {@code server.upstream-client}: {@code auto} or {@code jdk} (see {@link UpstreamTransport}) */
    public AnthropicBackend(Map<String, String> env, String client) {
        this.http = new UpstreamHttp(env, client);
    }

    private static UpstreamHttp.Dialect dialect(ModelSettings model) {
        return new UpstreamHttp.Dialect("x-api-key", "", Map.of("anthropic-version", model.anthropicVersion()));
    }

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        ObjectNode body = AnthropicRequests.translate(model, request, false);
        ObjectNode answer = http.postForJson(model, "/v1/messages", dialect(model), body);
        return AnthropicResponses.completion(model, answer);
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        ObjectNode body = AnthropicRequests.translate(model, request, true);
        UpstreamTransport.Reply response = http.post(model, "/v1/messages", dialect(model), body);
        AnthropicResponses.Stream translator = new AnthropicResponses.Stream(model);
        int delivered = 0;
        try (InputStream in = response.body();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            SseReader events = new SseReader(reader);
            while (!translator.stopped()) {
                Optional<String> event = UpstreamHttp.watched(model, in, events);
                if (event.isEmpty()) {
                    throw new BackendException(Kind.UNAVAILABLE, "the upstream closed the stream before it ended",
                            0, delivered > 0, null);
                }
                JsonNode data;
                try {
                    data = Json.MAPPER.readTree(event.get());
                } catch (IOException e) {
                    throw new BackendException(Kind.BAD_RESPONSE, "the upstream sent an event that is not JSON", 0,
                            delivered > 0, null);
                }
                for (ObjectNode chunk : translator.onEvent(data, delivered > 0)) {
                    delivered++;
                    if (!sink.accept(chunk)) {
                        return;
                    }
                }
            }
            UpstreamHttp.finishBody(model, in); // after message_stop: so the connection is kept for the next request
        } catch (IOException e) {
            throw new BackendException(Kind.UNAVAILABLE, "the upstream stream broke off", 0, delivered > 0, null);
        }
    }
}
