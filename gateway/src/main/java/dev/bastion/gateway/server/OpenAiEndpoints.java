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
import dev.bastion.gateway.identity.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.gateway.identity.Role;
import dev.bastion.gateway.pipeline.Authenticator;
import dev.bastion.gateway.pipeline.EmbeddingsPipeline;
import dev.bastion.gateway.pipeline.Exchange;
import java.util.List;

/** {@code GET /v1/models} and {@code POST /v1/embeddings}. */
public final class OpenAiEndpoints {
    private final Authenticator authenticator;
    private final List<ModelSettings> models;
    private final EmbeddingSettings embeddings;
    private final EmbeddingsPipeline embeddingsPipeline;

    public OpenAiEndpoints(Authenticator authenticator, List<ModelSettings> models, EmbeddingSettings embeddings,
            EmbeddingsPipeline embeddingsPipeline) {
        this.authenticator = authenticator;
        this.models = List.copyOf(models);
        this.embeddings = embeddings;
        this.embeddingsPipeline = embeddingsPipeline;
    }

    /** Lists only the models the caller's key may use. */
    void models(Exchange ex) {
        ApiKey key = authenticator.authenticate(ex.header("Authorization"), Role::mayCallModels, "list models");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ModelSettings m : models) {
            if (key.allowsModel(m.name())) {
                ObjectNode entry = data.addObject();
                entry.put("id", m.name());
                entry.put("object", "model");
                entry.put("created", 0);
                entry.put("owned_by", m.location().configName());
            }
        }
        if (embeddings.enabled() && key.allowsModel(embeddings.modelName())) {
            ObjectNode entry = data.addObject();
            entry.put("id", embeddings.modelName());
            entry.put("object", "model");
            entry.put("created", 0);
            entry.put("owned_by", "local");
        }
        ex.respond(200, body);
    }

    void embeddings(Exchange ex) {
        embeddingsPipeline.handle(ex);
    }
}
