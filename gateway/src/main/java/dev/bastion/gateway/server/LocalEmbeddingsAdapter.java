package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.embeddings.EmbeddingsResponse;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.gateway.pipeline.EmbeddingsPipeline;
import java.util.List;
import java.util.Optional;

/** Plugs the built-in embedding model into the embeddings pipeline. */
final class LocalEmbeddingsAdapter implements EmbeddingsPipeline.Embedder {
    private final LocalEmbeddings embeddings;

    LocalEmbeddingsAdapter(LocalEmbeddings embeddings) {
        this.embeddings = embeddings;
    }

    @Override
    public Optional<EmbeddingsPipeline.Embedded> embed(List<String> inputs) {
        return embeddings.embed(inputs).map(r -> new EmbeddingsPipeline.Embedded(r.vectors(), r.promptTokens()));
    }

    @Override
    public ObjectNode toJson(EmbeddingsPipeline.Embedded result, String model, boolean base64) {
        return EmbeddingsResponse.toJson(result.vectors(), result.promptTokens(), model, base64);
    }
}
