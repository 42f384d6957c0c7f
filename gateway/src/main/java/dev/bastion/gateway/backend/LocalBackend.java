package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.ModelSettings;

/**
 * The backend for {@code backend: local} models: Bastion's own GGUF engine, which the local-inference issue
 * provides. Until it lands, every call fails with {@link BackendException.Kind#NOT_LOADED} (HTTP 503) saying so;
 * it never pretends to answer.
 */
public final class LocalBackend implements ChatBackend {
    private final java.util.Map<String, String> refused;

    /** A backend where each model in {@code refused} (name to reason) was refused by the model-security check. */
    public LocalBackend(java.util.Map<String, String> refused) {
        this.refused = java.util.Map.copyOf(refused);
    }

    public LocalBackend() {
        this(java.util.Map.of());
    }

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        throw notLoaded(model);
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        throw notLoaded(model);
    }

    private BackendException notLoaded(ModelSettings model) {
        String reason = refused.get(model.name());
        if (reason != null) {
            return new BackendException(BackendException.Kind.NOT_LOADED, "The local model '" + model.name()
                    + "' was refused by the model-security check: " + reason);
        }
        return new BackendException(BackendException.Kind.NOT_LOADED, "No local model loaded: the model '"
                + model.name() + "'" + model.path().map(p -> " (" + p + ")").orElse("")
                + " needs Bastion's local inference engine, which is not part of this build yet. Serve it with a "
                + "local OpenAI-compatible server (Ollama, vLLM, llama.cpp) and declare it with backend: openai and "
                + "location: local.");
    }
}
