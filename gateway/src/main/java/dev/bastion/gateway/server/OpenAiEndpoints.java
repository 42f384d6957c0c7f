package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.config.EmbeddingSettings;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import dev.bastion.gateway.pipeline.Authenticator;
import dev.bastion.gateway.pipeline.EmbeddingsEndpoint;
import dev.bastion.gateway.pipeline.Exchange;
import dev.bastion.gateway.pipeline.ModerationEndpoint;
import dev.bastion.gateway.pipeline.Pipeline;
import java.util.List;

/** {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code POST /v1/embeddings} and {@code POST /v1/moderations}. */
public final class OpenAiEndpoints {
    private final Authenticator authenticator;
    private final List<ModelSettings> models;
    private final EmbeddingSettings embeddings;
    private final Pipeline pipeline;
    private final EmbeddingsEndpoint embeddingsEndpoint;
    private final ModerationEndpoint moderationEndpoint;

    public OpenAiEndpoints(Authenticator authenticator, Pipeline pipeline, List<ModelSettings> models,
            EmbeddingSettings embeddings, EmbeddingsEndpoint embeddingsEndpoint, ModerationEndpoint moderationEndpoint) {
        this.authenticator = authenticator;
        this.pipeline = pipeline;
        this.models = List.copyOf(models);
        this.embeddings = embeddings;
        this.embeddingsEndpoint = embeddingsEndpoint;
        this.moderationEndpoint = moderationEndpoint;
    }

    /** Lists only the models the caller's key may use. */
    void models(Exchange ex) {
        ApiKey key = authenticator.authenticate(ex.header("Authorization"), Role::mayCallModels, "list models");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        visibleTo(key).forEach(data::add);
        ex.respond(200, body);
    }

    /** {@code GET /v1/models/{id}}: one model this key may use; any other id is a 404, as if it did not exist. */
    void model(Exchange ex, String id) {
        ApiKey key = authenticator.authenticate(ex.header("Authorization"), Role::mayCallModels, "list models");
        ObjectNode found = visibleTo(key).stream().filter(m -> m.path("id").asText().equals(id)).findFirst()
                .orElseThrow(() -> new dev.bastion.gateway.api.Refusal(dev.bastion.gateway.api.ApiError.notFound(
                        "model_not_found", "The requested model does not exist (names are not echoed back); GET "
                                + "/v1/models lists the models this key may use.")));
        ex.respond(200, found);
    }

    /** The model objects {@code key} may use: declared models, the local embedding model, the moderation model. */
    private java.util.List<ObjectNode> visibleTo(ApiKey key) {
        java.util.List<ObjectNode> out = new java.util.ArrayList<>();
        for (ModelSettings m : models) {
            if (key.allowsModel(m.name())) {
                out.add(entry(m.name(), m.location().configName()));
            }
        }
        if (embeddings.enabled() && key.allowsModel(embeddings.modelName())) {
            out.add(entry(embeddings.modelName(), "local"));
        }
        if (key.allowsModel(ModerationEndpoint.MODEL)) {
            out.add(entry(ModerationEndpoint.MODEL, "bastion"));
        }
        return out;
    }

    private static ObjectNode entry(String id, String ownedBy) {
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("id", id);
        entry.put("object", "model");
        entry.put("created", 0);
        entry.put("owned_by", ownedBy);
        return entry;
    }

    void embeddings(Exchange ex) {
        pipeline.handle(ex, embeddingsEndpoint);
    }

    void moderations(Exchange ex) {
        pipeline.handle(ex, moderationEndpoint);
    }
}
