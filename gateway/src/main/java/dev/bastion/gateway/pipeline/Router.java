package dev.bastion.gateway.pipeline;

import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.backend.ChatBackend;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.guard.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 4: picks the route for a model name, and then the model and backend that will answer, honouring
 * local-only routes and verdicts that force a request to stay on this machine. A request that must stay local is
 * refused when no local model is configured for its route; it is never sent to a cloud model. Immutable and
 * thread-safe.
 */
public final class Router {
    private final List<CompiledRoute> routes;
    private final Map<String, ModelSettings> models;
    private final Map<String, ChatBackend> backends;
    /** Backends of single models by model name (pools of servers), before {@link #backends}. */
    private final Map<String, ChatBackend> byModel;
    /** Whether any declared model answers chat (fixed at construction; a request without one is told what to do). */
    private final boolean hasChatModel;

    /**
     * @param routes compiled routes, first match wins
     * @param models declared models by name
     * @param backends backend implementations by backend name ({@code openai}, {@code local})
     */
    public Router(List<CompiledRoute> routes, Map<String, ModelSettings> models, Map<String, ChatBackend> backends) {
        this(routes, models, backends, Map.of());
    }

    /** @param byModel backends of single models by model name (a {@code backend.ModelPool} each), before {@code backends} */
    public Router(List<CompiledRoute> routes, Map<String, ModelSettings> models, Map<String, ChatBackend> backends,
            Map<String, ChatBackend> byModel) {
        this.byModel = Map.copyOf(byModel);
        this.routes = List.copyOf(routes);
        this.models = Map.copyOf(models);
        this.hasChatModel = models.values().stream().anyMatch(m -> m.kind() != ModelSettings.Kind.EMBEDDINGS);
        this.backends = Map.copyOf(backends);
        for (ModelSettings m : models.values()) {
            if (!backends.containsKey(m.backend())) {
                throw new IllegalArgumentException("models[" + m.name() + "].backend: no backend '" + m.backend() + "'");
            }
        }
    }

    /** What a client hears when the gateway has no chat model at all: the next step, not a bare 404. */
    public static final String NO_MODELS = "This gateway serves no chat models yet. Pull one with `bastion model "
            + "catalogue` and `bastion model pull NAME` (it lands in <data-dir>/models) and restart `bastion serve`, "
            + "or declare a local server or cloud model under `models:` in bastion.yaml (README, 'A five-minute tour').";

    /** The decision: which route, model and backend, and why. */
    public record RoutePlan(CompiledRoute route, ModelSettings model, ChatBackend backend, String reason) {
        public RoutePlan {
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(reason, "reason");
        }

        /** The same plan for one request of a conversation (see {@link ChatBackend#forConversation}). */
        public RoutePlan forConversation(Optional<String> conversation) {
            return new RoutePlan(route, model, backend.forConversation(conversation), reason);
        }
    }

    /**
     * The declared model {@code name} that {@code key} may call, with its route.
     *
     * @return the route, or 404 when no such model is declared, 403 when the key may not use it or no route covers it
     */
    public Check<CompiledRoute> routeFor(ApiKey key, String name) {
        if (!hasChatModel) {
            return Check.refuse(ApiError.notFound("model_not_found", NO_MODELS));
        }
        if (!models.containsKey(name)) {
            return Check.refuse(ApiError.notFound("model_not_found",
                    "The requested model does not exist (names are not echoed back); GET /v1/models lists the "
                            + "models this key may use."));
        }
        if (!key.allowsModel(name)) {
            return Check.refuse(ApiError.forbidden("model_not_allowed",
                    "This API key may not use the model '" + name + "'; GET /v1/models lists the ones it may."));
        }
        if (models.get(name).kind() == ModelSettings.Kind.EMBEDDINGS) {
            return Check.refuse(ApiError.invalidParam("model", "The model '" + name
                    + "' is an embeddings model; call it through /v1/embeddings."));
        }
        return findRoute(name).<Check<CompiledRoute>>map(Check::pass).orElseGet(() -> Check.refuse(ApiError.forbidden(
                "no_route", "No route in the configuration covers the model '" + name + "' (routes[].models).")));
    }

    /**
     * The declared upstream embeddings model {@code name} ({@code kind: embeddings}) that {@code key} may call, with
     * its route and backend; empty when no such model is declared (the caller then tries the built-in one).
     *
     * @return empty when no such model is declared; 403 when the key may not use it or no route covers it, 400 when it is a chat model
     */
    Optional<Check<RoutePlan>> embeddingsModel(ApiKey key, String name) {
        ModelSettings model = models.get(name);
        if (model == null) {
            return Optional.empty();
        }
        if (model.kind() != ModelSettings.Kind.EMBEDDINGS) {
            return Optional.of(Check.refuse(ApiError.invalidParam("model", "The model '" + name + "' is a chat model, not an "
                    + "embeddings model (models[].kind: embeddings).")));
        }
        if (!key.allowsModel(name)) {
            return Optional.of(Check.refuse(ApiError.forbidden("model_not_allowed",
                    "This API key may not use the model '" + name + "'; GET /v1/models lists the ones it may.")));
        }
        Optional<CompiledRoute> found = findRoute(name);
        if (found.isEmpty()) {
            return Optional.of(Check.refuse(ApiError.forbidden("no_route",
                    "No route in the configuration covers the model '" + name + "' (routes[].models).")));
        }
        CompiledRoute route = found.get();
        return Optional.of(Check.pass(new RoutePlan(route, model, backendFor(model), model.location() == Location.LOCAL
                ? "local model" : "cloud model allowed by route")));
    }

    Optional<CompiledRoute> findRoute(String model) {
        // A loop, not a stream: once per request, and the stream's set-up was 1.5% of a proxied request's CPU
        // samples (docs/benchmarks.md, "Gateway overhead", round thirteen).
        for (CompiledRoute r : routes) {
            if (r.settings().matches(model)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Decides where the request goes.
     *
     * @return the plan, or 403 {@code local_processing_required} when it must stay local and cannot
     */
    public Check<RoutePlan> decide(CompiledRoute route, String name, Verdict verdict) {
        ModelSettings requested = models.get(name);
        boolean forced = verdict instanceof Verdict.Transform t && t.forceLocal();
        boolean mustStayLocal = route.settings().localOnly() || forced;
        if (!mustStayLocal || requested.location() == Location.LOCAL) {
            String reason = requested.location() == Location.LOCAL ? "local model" : "cloud model allowed by route";
            return Check.pass(new RoutePlan(route, requested, backendFor(requested), reason));
        }
        String why = route.settings().localOnly()
                ? "route '" + route.name() + "' is local-only"
                : "policy forces local processing (" + InputGuard.describe(verdict.findingCounts()) + ")";
        Optional<ModelSettings> local = route.settings().localModel().map(models::get)
                .filter(m -> m.location() == Location.LOCAL);
        if (local.isEmpty()) {
            return Check.refuse(ApiError.policyBlocked("local_processing_required",
                    "This request must stay on this machine because " + why + ", but '" + name
                            + "' is a cloud model and route '" + route.name()
                            + "' names no local model to use instead (routes[].local-model)."));
        }
        return Check.pass(new RoutePlan(route, local.get(), backendFor(local.get()),
                why + "; sent to local model '" + local.get().name() + "' instead of '" + name + "'"));
    }

    private ChatBackend backendFor(ModelSettings model) {
        ChatBackend own = byModel.get(model.name());
        return own != null ? own : backends.get(model.backend());
    }
}
