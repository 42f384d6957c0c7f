package dev.bastion.gateway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON and error responses; the only place the gateway turns an {@link ApiError} into HTTP. */
final class Responses {
    private Responses() {
    }

    static void json(ServerResponse response, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
        response.status(Status.create(status));
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.send(bytes);
    }

    static void error(ServerResponse response, ApiError error) {
        error.retryAfter().ifPresent(d -> response.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, d.toSeconds()))));
        json(response, error.status(), error.toJson());
    }
}
