package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.backend.BackendException;
import dev.bastion.gateway.backend.EmbeddingBackend;
import dev.bastion.gateway.config.EmbeddingSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.Role;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Redactor;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code /v1/embeddings} pipeline, the same stages as chat where they apply: authenticate, rate limit, scan
 * input, decide where it goes, embed, record. Two kinds of model answer:
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
 */
public final class EmbeddingsPipeline {
    private static final System.Logger LOG = System.getLogger(EmbeddingsPipeline.class.getName());

    /** Computes embeddings; empty when the engine is saturated. */
    public interface Embedder {
        Optional<Embedded> embed(List<String> inputs);

        /** Wire JSON for the result in OpenAI's shape ({@code base64} or {@code float} encoding). */
        ObjectNode toJson(Embedded result, String model, boolean base64);
    }

    /** Embedding vectors with the number of input tokens they took. */
    public record Embedded(List<float[]> vectors, long promptTokens) {
        public Embedded {
            vectors = List.copyOf(vectors);
        }
    }

    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final InputGuard inputGuard;
    private final Router router;
    private final UsageRecorder usage;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final EmbeddingSettings settings;
    private final Embedder embedder;

    public EmbeddingsPipeline(Stages stages, EmbeddingSettings settings, Embedder embedder) {
        this.authenticator = stages.authenticator();
        this.limiter = stages.limiter();
        this.inputGuard = stages.inputGuard();
        this.router = stages.router();
        this.usage = stages.usage();
        this.metrics = stages.metrics();
        this.audit = stages.audit();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    public void handle(Exchange exchange) {
        long started = System.nanoTime();
        int status = 500;
        String route = "none";
        String label = settings.modelName();
        AuditTrail.Event event = new AuditTrail.Event();
        boolean recorded = false;
        try {
            ApiKey key = authenticator.authenticate(exchange.header("Authorization"), Role::mayCallModels, "call models");
            event.keyId = key.id();
            event.tenant = key.tenant();
            audit.requireWritable(); // fail closed: nothing is answered that cannot be recorded
            try (RateLimiter.Permit permit = Admissions.admit(limiter, key)) {
                ObjectNode request = RequestBodies.parseObject(exchange.body(), exchange.body().length);
                JsonNode requested = request.get("model");
                if (requested == null || !requested.isTextual()) {
                    throw new Refusal(ApiError.invalidParam("model", "'model' is required: a string such as '"
                            + settings.modelName() + "'."));
                }
                Optional<Router.RoutePlan> upstream = router.embeddingsModel(key, requested.asText());
                if (upstream.isPresent()) {
                    route = upstream.get().route().name();
                    label = upstream.get().model().name();
                    status = upstream(exchange, request, upstream.get(), permit, key, event, started);
                    recorded = true;
                    return;
                }
                String model = requireEmbeddingModel(request, key);
                List<String> inputs = inputs(request);
                boolean base64 = encoding(request);
                CompiledRoute compiled = router.findRoute(model).orElseThrow(() -> new Refusal(ApiError.forbidden(
                        "no_route", "No route in the configuration covers the model '" + model + "' (routes[].models).")));
                route = compiled.name();
                // The built-in embedding model runs here: values the policy hides only from cloud models stay.
                Verdict verdict = inputGuard.check(compiled, inputs, event).forDestination(false);
                event.model = model;
                event.servedBy = model;
                event.location = "local";
                List<String> rewritten = rewrite(inputs, verdict);
                Embedded result = embedder.embed(rewritten).orElseThrow(() -> new Refusal(ApiError.overloaded(
                        "embeddings_busy", "The local embedding model is busy; retry in a moment.")));
                permit.chargeTokens(result.promptTokens());
                event.promptTokens = result.promptTokens();
                usage.record(key, model, result.promptTokens(), 0);
                metrics.tokens(model, result.promptTokens(), 0);
                status = 200;
                event.status = status;
                finishRecord(exchange, event, route, started);
                recorded = true;
                audit.recordBeforeAnswer(event);
                exchange.respond(200, embedder.toJson(result, model, base64));
            }
        } catch (Refusal r) {
            status = r.error().status();
            event.outcome = r.error().code();
            metrics.refusal(r.error().code());
            exchange.respondError(r.error());
        } catch (RuntimeException e) {
            event.outcome = "internal_error";
            LOG.log(System.Logger.Level.ERROR, "embeddings request " + exchange.requestId() + " failed", e);
            exchange.respondError(ApiError.internal(exchange.requestId()));
        } finally {
            metrics.requestFinished(route, label, status, System.nanoTime() - started);
            if (!recorded) { // refusals and failures; answers were recorded before they completed
                event.status = status;
                finishRecord(exchange, event, route, started);
                audit.record(event);
            }
        }
    }

    /**
     * Forwards to an upstream embeddings model (see the class comment for what the policy may do); returns 200 once
     * the answer is recorded and sent.
     */
    private int upstream(Exchange exchange, ObjectNode request, Router.RoutePlan plan, RateLimiter.Permit permit,
            ApiKey key, AuditTrail.Event event, long started) {
        String model = plan.model().name();
        List<String> inputs = inputs(request);
        boolean base64 = encoding(request);
        event.model = model;
        Verdict scanned = inputGuard.check(plan.route(), inputs, event);
        boolean leaves = plan.model().location() != dev.bastion.gateway.config.Location.LOCAL;
        boolean forced = scanned instanceof Verdict.Transform t && t.forceLocal();
        if (leaves && (forced || plan.route().settings().localOnly())) {
            throw new Refusal(ApiError.policyBlocked("local_processing_required", "This request must stay on this "
                    + "machine because " + (forced ? "the policy forces local processing ("
                    + InputGuard.describe(scanned.findingCounts()) + ")" : "route '" + plan.route().name()
                    + "' is local-only") + ", but '" + model + "' is a cloud embeddings model; embeddings are never "
                    + "moved to another model, whose vectors would not be comparable."));
        }
        Verdict verdict = scanned.forDestination(leaves);
        if (leaves && verdict instanceof Verdict.Transform t && !t.pseudonymise().isEmpty()) {
            Map<String, Integer> counts = new java.util.TreeMap<>();
            t.pseudonymise().forEach(f -> counts.merge(f.type(), 1, Integer::sum));
            throw new Refusal(ApiError.policyBlocked("pseudonymisation_not_possible", "The policy of route '"
                    + plan.route().name() + "' pseudonymises " + InputGuard.describe(counts) + " on the way to a "
                    + "cloud model, which cannot be done for embeddings (an embedding of a surrogate cannot be "
                    + "restored); use a local embeddings model or remove these values."));
        }
        event.servedBy = model;
        event.location = plan.model().location().configName();
        event.reason = plan.reason();
        ObjectNode body = request.deepCopy();
        List<String> rewritten = rewrite(inputs, verdict);
        if (request.get("input").isTextual()) {
            body.put("input", rewritten.getFirst());
        } else {
            com.fasterxml.jackson.databind.node.ArrayNode array = body.putArray("input");
            rewritten.forEach(array::add);
        }
        if (!(plan.backend() instanceof EmbeddingBackend backend)) {
            throw new IllegalStateException("backend " + plan.model().backend() + " cannot serve embeddings");
        }
        exchange.responseHeader("x-bastion-route", "route=" + plan.route().name() + "; model=" + model + "; location="
                + plan.model().location().configName() + "; reason=" + plan.reason());
        ObjectNode answer;
        long start = System.nanoTime();
        try {
            answer = backend.embed(plan.model(), body);
        } catch (BackendException e) {
            metrics.upstreamError(model, e.kind().name().toLowerCase(java.util.Locale.ROOT));
            throw new Refusal(BackendErrors.toApiError(model, e));
        } finally {
            metrics.backend(plan.model().backend(), model, System.nanoTime() - start);
        }
        long tokens = answer.path("usage").path("prompt_tokens").asLong(0);
        answer.put("model", model);
        try {
            dev.bastion.gateway.embeddings.EmbeddingsResponse.toEncoding(answer, base64);
        } catch (IllegalArgumentException e) { // a base64 embedding that is not base64
            throw new Refusal(BackendErrors.toApiError(model, new BackendException(BackendException.Kind.BAD_RESPONSE,
                    "the upstream's embedding is not valid base64")));
        }
        permit.chargeTokens(tokens);
        event.promptTokens = tokens;
        usage.record(key, model, tokens, 0);
        metrics.tokens(model, tokens, 0);
        event.status = 200;
        finishRecord(exchange, event, plan.route().name(), started);
        audit.recordBeforeAnswer(event);
        exchange.respond(200, answer);
        return 200;
    }

    private static void finishRecord(Exchange exchange, AuditTrail.Event event, String route, long started) {
        event.endpoint = "embeddings";
        event.requestId = exchange.requestId();
        event.route = "none".equals(route) ? null : route;
        event.latencyMicros = (System.nanoTime() - started) / 1000;
    }

    private String requireEmbeddingModel(ObjectNode request, ApiKey key) {
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual()) {
            throw new Refusal(ApiError.invalidParam("model", "'model' is required: a string such as '" + settings.modelName() + "'."));
        }
        if (!settings.enabled() || !model.asText().equals(settings.modelName())) {
            throw new Refusal(ApiError.notFound("model_not_found", "The requested embedding model does not exist; this gateway serves embeddings with '"
                    + settings.modelName() + "'."));
        }
        if (!key.allowsModel(settings.modelName())) {
            throw new Refusal(ApiError.forbidden("model_not_allowed", "This API key may not use the model '"
                    + settings.modelName() + "'."));
        }
        return settings.modelName();
    }

    private List<String> inputs(ObjectNode request) {
        List<String> inputs = RequestBodies.textInputs(request, settings.maxInputs(), "token arrays are not supported");
        for (String s : inputs) {
            if (s.isEmpty()) {
                throw new Refusal(ApiError.invalidParam("input", "'input' must not contain empty strings."));
            }
        }
        return inputs;
    }

    private static boolean encoding(ObjectNode request) {
        JsonNode format = request.get("encoding_format");
        if (format == null || format.isNull() || format.asText().equals("float")) {
            return false;
        }
        if (format.asText().equals("base64")) {
            return true;
        }
        throw new Refusal(ApiError.invalidParam("encoding_format", "'encoding_format' must be 'float' or 'base64'."));
    }

    private static List<String> rewrite(List<String> inputs, Verdict verdict) {
        if (!(verdict instanceof Verdict.Transform t)) {
            return inputs;
        }
        List<dev.bastion.guard.Finding> all = new ArrayList<>(t.redact());
        all.addAll(t.pseudonymise());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.add(Redactor.redact(inputs.get(i), i, all));
        }
        return out;
    }
}
