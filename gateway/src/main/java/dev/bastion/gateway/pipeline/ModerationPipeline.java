package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.identity.RateLimiter;
import dev.bastion.store.keys.Role;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code POST /v1/moderations}: Bastion's own scanners as a moderation model, answered in OpenAI's moderation shape
 * by {@link ModerationResult}. The stages, in order: authenticate (a role that may call models, a key that may use
 * the moderation model), rate limit, parse, scan (the moderation scanner set of
 * {@link CompiledRoute#forModeration}, through {@link ScannerRunner}, failing closed), answer, record (finding
 * types and counts in the audit log, never the text). The input is not stored and goes nowhere else.
 *
 * <p>Request: {@code input} is a string or an array of strings, one result each; {@code model} is optional (the
 * moderation model's name, or one of OpenAI's moderation model names, which it answers for);
 * {@code bastion_input_type} is Bastion's extension: {@code tool} marks the inputs as content an assistant reads
 * (tool results, retrieved documents), judged for indirect prompt injection; the default is {@code user}.
 * Thread-safe.
 */
public final class ModerationPipeline {
    private static final System.Logger LOG = System.getLogger(ModerationPipeline.class.getName());
    /** The name the moderation model answers to and is listed under in {@code /v1/models}. */
    public static final String MODEL = "bastion-guard";

    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final GuardSettings guard;
    private final CompiledRoute scanners;

    /** @param scanners the moderation scanner set ({@link CompiledRoute#forModeration}) */
    public ModerationPipeline(Stages stages, GuardSettings guard, CompiledRoute scanners) {
        this.authenticator = stages.authenticator();
        this.limiter = stages.limiter();
        this.metrics = stages.metrics();
        this.audit = stages.audit();
        this.guard = Objects.requireNonNull(guard, "guard");
        this.scanners = Objects.requireNonNull(scanners, "scanners");
    }

    public void handle(Exchange exchange) {
        long started = System.nanoTime();
        int status = 500;
        AuditTrail.Event event = new AuditTrail.Event();
        boolean recorded = false;
        try {
            ApiKey key = authenticator.authenticate(exchange.header("Authorization"), Role::mayCallModels, "call models");
            event.keyId = key.id();
            event.tenant = key.tenant();
            audit.requireWritable(); // fail closed: nothing is answered that cannot be recorded
            try (RateLimiter.Permit permit = Admissions.admit(limiter, key)) {
                ObjectNode request = RequestBodies.parseObject(exchange.body(), exchange.body().length);
                requireModel(request, key);
                List<String> inputs = inputs(request);
                String role = inputType(request);
                event.model = MODEL;
                event.servedBy = MODEL;
                event.location = "local";
                List<Finding> findings = ScannerRunner.run(scanners.inputScanners(), inputs,
                        inputs.stream().map(i -> role).toList(), metrics);
                List<ModerationResult> results = ModerationResult.of(inputs.size(), findings);
                long flagged = results.stream().filter(ModerationResult::flagged).count();
                recordControls(event, findings, flagged, inputs.size());
                permit.chargeTokens(inputs.stream().mapToLong(s -> (s.length() + 3) / 4).sum());
                status = 200;
                event.status = status;
                finishRecord(exchange, event, started);
                recorded = true;
                audit.recordBeforeAnswer(event);
                exchange.respond(200, ModerationResult.toJson(exchange.requestId(), results));
            }
        } catch (Refusal r) {
            status = r.error().status();
            event.outcome = r.error().code();
            metrics.refusal(r.error().code());
            exchange.respondError(r.error());
        } catch (RuntimeException e) {
            event.outcome = "internal_error";
            LOG.log(System.Logger.Level.ERROR, "moderations request " + exchange.requestId() + " failed", e);
            exchange.respondError(ApiError.internal(exchange.requestId()));
        } finally {
            metrics.requestFinished(scanners.name(), MODEL, status, System.nanoTime() - started);
            if (!recorded) { // refusals and failures; answers were recorded before they completed
                event.status = status;
                finishRecord(exchange, event, started);
                audit.record(event);
            }
        }
    }

    /** Per-scanner finding counts and top scores, the flagged count as the decision: types and numbers only. */
    private void recordControls(AuditTrail.Event event, List<Finding> findings, long flagged, int inputs) {
        for (dev.bastion.guard.Scanner s : scanners.inputScanners()) {
            Map<String, Integer> counts = new TreeMap<>();
            double max = 0;
            for (Finding f : findings) {
                if (f.scanner().equals(s.id())) {
                    counts.merge(f.type(), 1, Integer::sum);
                    max = Math.max(max, f.score());
                }
            }
            event.controls.add(new AuditTrail.Control(s.id(), "input", counts, max, null));
            event.findings.putAll(counts);
        }
        event.decision = flagged > 0 ? "flagged" : "not_flagged";
        event.reason = "moderation: " + flagged + " of " + inputs + " inputs flagged";
    }

    private static void finishRecord(Exchange exchange, AuditTrail.Event event, long started) {
        event.endpoint = "moderations";
        event.requestId = exchange.requestId();
        event.route = "moderation";
        event.latencyMicros = (System.nanoTime() - started) / 1000;
    }

    private static void requireModel(ObjectNode request, ApiKey key) {
        JsonNode model = request.get("model");
        if (model != null && !model.isNull()) {
            String name = model.isTextual() ? model.asText() : "";
            boolean openAiName = name.startsWith("omni-moderation") || name.startsWith("text-moderation");
            if (!name.equals(MODEL) && !openAiName) {
                throw new Refusal(ApiError.notFound("model_not_found", "The requested moderation model does not "
                        + "exist; this gateway moderates with '" + MODEL + "'."));
            }
        }
        if (!key.allowsModel(MODEL)) {
            throw new Refusal(ApiError.forbidden("model_not_allowed", "This API key may not use the model '" + MODEL + "'."));
        }
    }

    private List<String> inputs(ObjectNode request) {
        List<String> inputs = RequestBodies.textInputs(request, guard.maxMessages(),
                "images and other multi-modal inputs are not judged");
        for (String s : inputs) {
            if (s.length() > guard.maxMessageChars()) {
                throw new Refusal(ApiError.invalidParam("input", "Each input may have at most " + guard.maxMessageChars()
                        + " characters (guard.max-message-chars)."));
            }
        }
        return inputs;
    }

    private static String inputType(ObjectNode request) {
        JsonNode type = request.get("bastion_input_type");
        if (type == null || type.isNull() || type.asText().equals("user")) {
            return "user";
        }
        if (type.asText().equals("tool")) {
            return "tool";
        }
        throw new Refusal(ApiError.invalidParam("bastion_input_type", "'bastion_input_type' must be 'user' (what a "
                + "person typed) or 'tool' (content an assistant reads: tool results, documents)."));
    }
}
