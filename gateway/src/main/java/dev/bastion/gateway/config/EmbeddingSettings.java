package dev.bastion.gateway.config;

import java.util.Objects;

/**
 * The built-in local embedding model (keys under {@code embeddings}).
 *
 * @param enabled whether {@code /v1/embeddings} is served by the built-in model
 * @param modelName the name clients use for it
 * @param maxInputs most inputs in one request
 */
public record EmbeddingSettings(boolean enabled, String modelName, int maxInputs) {
    public EmbeddingSettings {
        Objects.requireNonNull(modelName, "embeddings.model-name");
        if (maxInputs < 1) {
            throw new IllegalArgumentException("embeddings.max-inputs must be at least 1, got " + maxInputs);
        }
    }
}
