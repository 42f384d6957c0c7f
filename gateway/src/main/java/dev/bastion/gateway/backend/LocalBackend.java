package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.ModelSettings;

/**
 * The backend for {@code backend: local} models: Bastion's own GGUF engine, which the local-inference issue
 * provides. Until it lands, every call fails with {@link BackendException.Kind#NOT_LOADED} (HTTP 503) saying so;
 * it never pretends to answer.
 */
public final class LocalBackend implements ChatBackend {

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        throw notLoaded(model);
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        throw notLoaded(model);
    }

    private static BackendException notLoaded(ModelSettings model) {
        return new BackendException(BackendException.Kind.NOT_LOADED, "No local model loaded: the model '"
                + model.name() + "'" + model.path().map(p -> " (" + p + ")").orElse("")
                + " needs Bastion's local inference engine, which is not part of this build yet. Serve it with a "
                + "local OpenAI-compatible server (Ollama, vLLM, llama.cpp) and declare it with backend: openai and "
                + "location: local.");
    }
}
