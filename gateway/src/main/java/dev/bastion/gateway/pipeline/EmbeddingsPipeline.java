package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.config.EmbeddingSettings;
import dev.bastion.gateway.identity.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.gateway.identity.Role;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Redactor;
import dev.bastion.guard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code /v1/embeddings} pipeline, the same stages as chat where they apply: authenticate, rate limit, scan
 * input (redactions and pseudonymisations both become type tags, since an embedding cannot be restored), embed
 * locally, record. The built-in model runs on this machine, so force-local verdicts are already satisfied.
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
        AuditTrail.Event event = new AuditTrail.Event();
        boolean recorded = false;
        try {
            ApiKey key = authenticator.authenticate(exchange.header("Authorization"), Role::mayCallModels, "call models");
            event.keyId = key.id();
            event.tenant = key.tenant();
            audit.requireWritable(); // fail closed: nothing is answered that cannot be recorded
            try (RateLimiter.Permit permit = Admissions.admit(limiter, key)) {
                ObjectNode request = RequestBodies.parseObject(exchange.body(), exchange.body().length);
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
            metrics.requestFinished(route, settings.modelName(), status, System.nanoTime() - started);
            if (!recorded) { // refusals and failures; answers were recorded before they completed
                event.status = status;
                finishRecord(exchange, event, route, started);
                audit.record(event);
            }
        }
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
        JsonNode input = request.get("input");
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.asText());
        } else if (input != null && input.isArray()) {
            for (JsonNode n : input) {
                if (!n.isTextual()) {
                    throw new Refusal(ApiError.invalidParam("input", "'input' must be a string or an array of strings "
                            + "(token arrays are not supported)."));
                }
                inputs.add(n.asText());
            }
        } else {
            throw new Refusal(ApiError.invalidParam("input", "'input' is required: a string or an array of strings."));
        }
        if (inputs.isEmpty() || inputs.size() > settings.maxInputs()) {
            throw new Refusal(ApiError.invalidParam("input", "'input' must have 1 to " + settings.maxInputs() + " items."));
        }
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
