package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.backend.BackendException;
import dev.bastion.gateway.backend.EmbeddingBackend;
import dev.bastion.gateway.config.EmbeddingSettings;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.embeddings.EmbeddingsResponse;
import dev.bastion.gateway.embeddings.LocalEmbeddings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code /v1/embeddings}, the same stages as chat where they apply: parse, route lookup, scan input, decide where it
 * goes, rewrite, call. Two kinds of model answer:
 *
 * <ul>
 *   <li>the built-in local model ({@code embeddings.model-name}): it runs on this machine, so force-local verdicts
 *       are already satisfied; redactions and pseudonymisations both become type tags, since an embedding cannot
 *       be restored;</li>
 *   <li>a declared {@code kind: embeddings} model of an OpenAI-compatible upstream: the request is forwarded to its
 *       {@code /embeddings} with the rewritten inputs, and usage comes from the upstream's answer. An embedding of
 *       a surrogate is the embedding of another text and cannot be restored, and vectors from another model are
 *       not comparable, so a request bound for a cloud model that the policy would pseudonymise (or keep local) is
 *       refused with 403, never rewritten or moved to another model; a local-only route never sends embeddings to a
 *       cloud model. For an upstream on this machine ({@code location: local}) the rules of the built-in model
 *       apply.</li>
 * </ul>
 * Thread-safe.
 */
public final class EmbeddingsEndpoint implements Endpoint {
    private final InputGuard inputGuard;
    private final Router router;
    private final GatewayMetrics metrics;
    private final EmbeddingSettings settings;
    private final LocalEmbeddings local;

    public EmbeddingsEndpoint(Stages stages, EmbeddingSettings settings, LocalEmbeddings local) {
        this.inputGuard = stages.inputGuard();
        this.router = stages.router();
        this.metrics = stages.metrics();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.local = Objects.requireNonNull(local, "local");
    }

    @Override
    public String name(Exchange exchange) {
        return "embeddings";
    }

    /** The parsed request: the model asked for, its inputs and the encoding of the answer. */
    private record Request(ObjectNode json, String model, List<String> inputs, boolean base64) {
    }

    @Override
    public Served serve(Exchange exchange, ApiKey key, RequestFacts facts) {
        Check<Request> parsed = Pipeline.stage(metrics, "parse", () -> Check.of(() -> parse(exchange)));
        if (!(parsed instanceof Check.Pass<Request>(Request request))) {
            return Served.stopped(parsed.stopped(), facts);
        }
        Optional<Check<Router.RoutePlan>> declared = router.embeddingsModel(key, request.model());
        if (declared.isPresent()) {
            if (!(declared.get() instanceof Check.Pass<Router.RoutePlan>(Router.RoutePlan plan))) {
                return Served.stopped(declared.get().stopped(), facts);
            }
            return upstream(exchange, request, plan, facts.routed(plan.route().name(), plan.model().name()));
        }
        Optional<ApiError> unknown = builtIn(request.model(), key);
        if (unknown.isPresent()) {
            return Served.stopped(new Outcome.Refused(unknown.get()), facts);
        }
        Optional<CompiledRoute> covered = router.findRoute(request.model());
        if (covered.isEmpty()) {
            return Served.stopped(new Outcome.Refused(ApiError.forbidden("no_route", "No route in the configuration "
                    + "covers the model '" + request.model() + "' (routes[].models).")), facts);
        }
        CompiledRoute route = covered.get();
        facts = facts.routed(route.name(), request.model());
        InputGuard.Decision scanned = Pipeline.stage(metrics, "scan-input", () -> inputGuard.check(route, request.inputs()));
        facts = scanned.addTo(facts).servedBy(new RequestFacts.Served(request.model(), "local", "local model"));
        Optional<ApiError> blocked = scanned.refusal(route);
        if (blocked.isPresent()) {
            return Served.stopped(new Outcome.Refused(blocked.get()), facts);
        }
        // The built-in embedding model runs here: values the policy hides only from cloud models stay.
        List<String> rewritten = rewrite(request.inputs(), scanned.verdict().forDestination(false));
        Optional<LocalEmbeddings.Result> result = Pipeline.stage(metrics, "backend", () -> local.embed(rewritten));
        if (result.isEmpty()) {
            return Served.stopped(new Outcome.Refused(ApiError.overloaded("embeddings_busy",
                    "The local embedding model is busy; retry in a moment.")), facts);
        }
        ObjectNode body = EmbeddingsResponse.toJson(result.get().vectors(), result.get().promptTokens(), request.model(),
                request.base64());
        return new Served(new Outcome.Answered(new Outcome.Reply.Whole(body),
                new Outcome.Usage(result.get().promptTokens(), 0)), facts, String.join("\n", request.inputs()), () -> { });
    }

    /**
     * Forwards to an upstream embeddings model (see the class comment for what the policy may do).
     */
    private Served upstream(Exchange exchange, Request request, Router.RoutePlan plan, RequestFacts routed) {
        String model = plan.model().name();
        InputGuard.Decision scanned = Pipeline.stage(metrics, "scan-input", () -> inputGuard.check(plan.route(), request.inputs()));
        RequestFacts facts = scanned.addTo(routed);
        Optional<ApiError> blocked = scanned.refusal(plan.route());
        if (blocked.isPresent()) {
            return Served.stopped(new Outcome.Refused(blocked.get()), facts);
        }
        boolean leaves = plan.model().location() != Location.LOCAL;
        boolean forced = scanned.verdict() instanceof Verdict.Transform t && t.forceLocal();
        if (leaves && (forced || plan.route().settings().localOnly())) {
            return Served.stopped(new Outcome.Refused(ApiError.policyBlocked("local_processing_required", "This request "
                    + "must stay on this machine because " + (forced ? "the policy forces local processing ("
                    + InputGuard.describe(scanned.verdict().findingCounts()) + ")" : "route '" + plan.route().name()
                    + "' is local-only") + ", but '" + model + "' is a cloud embeddings model; embeddings are never "
                    + "moved to another model, whose vectors would not be comparable.")), facts);
        }
        Verdict verdict = scanned.verdict().forDestination(leaves);
        if (leaves && verdict instanceof Verdict.Transform t && !t.pseudonymise().isEmpty()) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            t.pseudonymise().forEach(f -> counts.merge(f.type(), 1, Integer::sum));
            return Served.stopped(new Outcome.Refused(ApiError.policyBlocked("pseudonymisation_not_possible", "The "
                    + "policy of route '" + plan.route().name() + "' pseudonymises " + InputGuard.describe(counts)
                    + " on the way to a cloud model, which cannot be done for embeddings (an embedding of a surrogate "
                    + "cannot be restored); use a local embeddings model or remove these values.")), facts);
        }
        facts = facts.servedBy(new RequestFacts.Served(model, plan.model().location().configName(), plan.reason()));
        ObjectNode body = request.json().deepCopy();
        List<String> rewritten = rewrite(request.inputs(), verdict);
        if (request.json().get("input").isTextual()) {
            body.put("input", rewritten.getFirst());
        } else {
            ArrayNode array = body.putArray("input");
            rewritten.forEach(array::add);
        }
        if (!(plan.backend() instanceof EmbeddingBackend backend)) {
            throw new IllegalStateException("backend " + plan.model().backend() + " cannot serve embeddings");
        }
        exchange.responseHeader("x-bastion-route", "route=" + plan.route().name() + "; model=" + model + "; location="
                + plan.model().location().configName() + "; reason=" + plan.reason());
        Check<ObjectNode> called = Upstream.call(metrics, plan, () -> backend.embed(plan.model(), body));
        if (!(called instanceof Check.Pass<ObjectNode>(ObjectNode answer))) {
            return Served.stopped(called.stopped(), facts);
        }
        long tokens = Math.max(0, answer.path("usage").path("prompt_tokens").asLong(0));
        answer.put("model", model);
        try {
            EmbeddingsResponse.toEncoding(answer, request.base64());
        } catch (IllegalArgumentException e) { // a base64 embedding that is not base64
            return Served.stopped(new Outcome.Failed(BackendErrors.toApiError(model, new BackendException(
                    BackendException.Kind.BAD_RESPONSE, "the upstream's embedding is not valid base64")), Optional.empty()),
                    facts);
        }
        return new Served(new Outcome.Answered(new Outcome.Reply.Whole(answer), new Outcome.Usage(tokens, 0)), facts,
                String.join("\n", request.inputs()), () -> { });
    }

    /** Parse: model, inputs and encoding; bad input is reported as a refusal by the readers. */
    private Request parse(Exchange exchange) {
        ObjectNode json = RequestBodies.parseObject(exchange.body(), exchange.body().length);
        JsonNode model = json.get("model");
        if (model == null || !model.isTextual()) {
            throw new dev.bastion.gateway.api.Refusal(ApiError.invalidParam("model", "'model' is required: a string "
                    + "such as '" + settings.modelName() + "'."));
        }
        List<String> inputs = RequestBodies.textInputs(json, settings.maxInputs(), "token arrays are not supported");
        for (String s : inputs) {
            if (s.isEmpty()) {
                throw new dev.bastion.gateway.api.Refusal(ApiError.invalidParam("input", "'input' must not contain empty strings."));
            }
        }
        JsonNode format = json.get("encoding_format");
        boolean base64;
        if (format == null || format.isNull() || format.asText().equals("float")) {
            base64 = false;
        } else if (format.asText().equals("base64")) {
            base64 = true;
        } else {
            throw new dev.bastion.gateway.api.Refusal(ApiError.invalidParam("encoding_format",
                    "'encoding_format' must be 'float' or 'base64'."));
        }
        return new Request(json, model.asText(), inputs, base64);
    }

    /** Whether the built-in model answers {@code model} for this key; the refusal when it does not. */
    private Optional<ApiError> builtIn(String model, ApiKey key) {
        if (!settings.enabled() || !model.equals(settings.modelName())) {
            return Optional.of(ApiError.notFound("model_not_found", "The requested embedding model does not exist; "
                    + "this gateway serves embeddings with '" + settings.modelName() + "'."));
        }
        if (!key.allowsModel(settings.modelName())) {
            return Optional.of(ApiError.forbidden("model_not_allowed", "This API key may not use the model '"
                    + settings.modelName() + "'."));
        }
        return Optional.empty();
    }

    private static List<String> rewrite(List<String> inputs, Verdict verdict) {
        return verdict instanceof Verdict.Transform t ? Rewrite.asTags(inputs, t) : inputs;
    }
}
