package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.ModelSettings;

/**
 * Something that answers OpenAI-shaped embeddings requests upstream ({@code kind: embeddings} models). Thread-safe;
 * failures are {@link BackendException}s whose messages are safe to show to a client.
 */
public interface EmbeddingBackend {

    /**
     * Sends an embeddings request upstream.
     *
     * @param model the configured embeddings model
     * @param request the OpenAI embeddings body, already checked and rewritten by the pipeline; not modified
     * @return the upstream's answer, checked to have a {@code data} array with one item per input
     */
    ObjectNode embed(ModelSettings model, ObjectNode request) throws BackendException;
}
