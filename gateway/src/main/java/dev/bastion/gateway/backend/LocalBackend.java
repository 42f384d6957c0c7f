package dev.bastion.gateway.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.inference.Completion;
import dev.bastion.inference.ContextOverflowException;
import dev.bastion.inference.EngineBusyException;
import dev.bastion.inference.LocalModel;
import java.util.Map;
import java.util.Optional;

/**
 * The backend for {@code backend: local} models: Bastion's own GGUF engine ({@link LocalModel}).
 *
 * <p>Models are loaded once, at startup by the composition root or on their first request
 * ({@code local-engine.load: lazy}); a model that was refused by the model-security
 * check or failed to load answers 503 with the reason, never a made-up answer. Requests are translated by
 * {@link LocalRequests} (messages through the model's chat template, sampling parameters) and answered in
 * OpenAI's wire shapes by {@link LocalResponses}. When the model's queue is full the request gets 429 with
 * Retry-After; a prompt longer than the context gets 400 {@code context_length_exceeded}. Thread-safe.
 */
public final class LocalBackend implements ChatBackend, AutoCloseable {
    private final Map<String, LocalModel> loaded;
    private final Map<String, String> refused;
    private final Map<String, Loader> pending;
    private final int defaultMaxTokens;

    /** What loading one model gave. */
    public sealed interface Loaded permits Ready, Refused {
    }

    /** A model checked, loaded and warmed up. */
    public record Ready(LocalModel model) implements Loaded {
    }

    /** A model that cannot run, with the reason clients are told. */
    public record Refused(String reason) implements Loaded {
    }

    /** Checks, loads and warms up one model (local-engine.load: lazy runs it on the model's first request). */
    @FunctionalInterface
    public interface Loader {
        Loaded load();
    }

    /**
     * @param loaded models ready to run, by configured name
     * @param refused models that cannot run, name to reason (refused by the model gate or broken)
     * @param defaultMaxTokens answer length when a request names none
     */
    public LocalBackend(Map<String, LocalModel> loaded, Map<String, String> refused, int defaultMaxTokens) {
        this(loaded, refused, Map.of(), defaultMaxTokens);
    }

    /**
     * A backend that loads each model of {@code pending} on its first request (the request waits; others for the
     * same model wait for the same load), and {@code loaded} and {@code refused} as above.
     */
    public LocalBackend(Map<String, LocalModel> loaded, Map<String, String> refused, Map<String, Loader> pending,
            int defaultMaxTokens) {
        this.loaded = new java.util.concurrent.ConcurrentHashMap<>(loaded);
        this.refused = new java.util.concurrent.ConcurrentHashMap<>(refused);
        this.pending = new java.util.concurrent.ConcurrentHashMap<>(pending);
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** A backend where each model in {@code refused} (name to reason) was refused and nothing is loaded. */
    public LocalBackend(Map<String, String> refused) {
        this(Map.of(), refused, 1024);
    }

    public LocalBackend() {
        this(Map.of());
    }

    @Override
    public ObjectNode complete(ModelSettings model, ObjectNode request) throws BackendException {
        LocalModel engine = engine(model);
        LocalRequests.Parsed parsed = LocalRequests.parse(engine, request, defaultMaxTokens);
        Completion c = run(engine, parsed, text -> true);
        return LocalResponses.completion(model.name(), c);
    }

    @Override
    public void stream(ModelSettings model, ObjectNode request, ChunkSink sink) throws BackendException {
        LocalModel engine = engine(model);
        LocalRequests.Parsed parsed = LocalRequests.parse(engine, request, defaultMaxTokens);
        LocalResponses.Stream out = new LocalResponses.Stream(model.name(), sink);
        Completion c = run(engine, parsed, out::text);
        if (c.finishReason() != Completion.FinishReason.CANCELLED) {
            out.finish(c);
        }
    }

    private static Completion run(LocalModel engine, LocalRequests.Parsed parsed, LocalModel.TextSink sink)
            throws BackendException {
        try {
            return engine.generate(parsed.prompt(), parsed.generation(), sink);
        } catch (EngineBusyException e) {
            throw new BackendException(BackendException.Kind.BUSY, "The local model is busy (every slot and the queue "
                    + "are taken: local-engine.slots, local-engine.queue-depth); retry later.");
        } catch (ContextOverflowException e) {
            throw new BackendException(BackendException.Kind.CONTEXT_LENGTH, "This model's context is "
                    + e.contextSize() + " tokens, but the messages take " + e.promptTokens()
                    + " tokens; shorten them (or raise local-engine.context-size).");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Kind.NOT_LOADED, "The gateway is shutting down.");
        }
    }

    private LocalModel engine(ModelSettings model) throws BackendException {
        LocalModel m = loaded.get(model.name());
        if (m != null) {
            return m;
        }
        Loader loader = pending.get(model.name());
        if (loader != null) {
            synchronized (loader) {
                if (pending.containsKey(model.name())) {
                    switch (loader.load()) {
                        case Ready r -> loaded.put(model.name(), r.model());
                        case Refused r -> refused.put(model.name(), r.reason());
                    }
                    pending.remove(model.name());
                }
            }
            m = loaded.get(model.name());
            if (m != null) {
                return m;
            }
        }
        String reason = refused.get(model.name());
        if (reason != null) {
            throw new BackendException(BackendException.Kind.NOT_LOADED, "The local model '" + model.name()
                    + "' cannot run: " + reason);
        }
        throw new BackendException(BackendException.Kind.NOT_LOADED, "No local model loaded: the model '"
                + model.name() + "'" + model.path().map(p -> " (" + p + ")").orElse(" has no path")
                + "; give it a GGUF file with path: (bastion model pull fetches one).");
    }

    /** Unmaps every loaded model; in-flight requests must have finished. */
    @Override
    public void close() {
        loaded.values().forEach(LocalModel::close);
    }

    /** The loaded engine of {@code name}, for tests and metrics. */
    public Optional<LocalModel> loaded(String name) {
        return Optional.ofNullable(loaded.get(name));
    }
}
