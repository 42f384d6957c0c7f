package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.config.GuardSettings;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.guard.Finding;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code POST /v1/moderations}: Bastion's own scanners as a moderation model, answered in OpenAI's moderation shape
 * by {@link ModerationResult}. Its stages, after {@link Pipeline}'s authenticate and admit: parse (a key that may
 * use the moderation model), scan (the moderation scanner set of {@link CompiledRoute#forModeration}, through
 * {@link ScannerRunner}, failing closed), answer. The record holds finding types and counts, never the text. The
 * input is not stored and goes nowhere else.
 *
 * <p>Request: {@code input} is a string or an array of strings, one result each; {@code model} is optional (the
 * moderation model's name, or one of OpenAI's moderation model names, which it answers for);
 * {@code bastion_input_type} is Bastion's extension: {@code tool} marks the inputs as content an assistant reads
 * (tool results, retrieved documents), judged for indirect prompt injection; the default is {@code user}.
 * Thread-safe.
 */
public final class ModerationEndpoint implements Endpoint {
    /** The name the moderation model answers to and is listed under in {@code /v1/models}. */
    public static final String MODEL = "bastion-guard";

    private final GatewayMetrics metrics;
    private final GuardSettings guard;
    private final CompiledRoute scanners;

    /** @param scanners the moderation scanner set ({@link CompiledRoute#forModeration}) */
    public ModerationEndpoint(Stages stages, GuardSettings guard, CompiledRoute scanners) {
        this.metrics = stages.metrics();
        this.guard = Objects.requireNonNull(guard, "guard");
        this.scanners = Objects.requireNonNull(scanners, "scanners");
    }

    @Override
    public String name(Exchange exchange) {
        return "moderations";
    }

    private record Request(List<String> inputs, String role) {
    }

    @Override
    public Served serve(Exchange exchange, ApiKey key, RequestFacts facts) {
        Check<Request> parsed = Pipeline.stage(metrics, "parse", () -> Check.of(() -> parse(exchange, key)));
        if (!(parsed instanceof Check.Pass<Request>(Request request))) {
            return Served.stopped(parsed.stopped(), facts);
        }
        List<String> inputs = request.inputs();
        List<Finding> findings = Pipeline.stage(metrics, "scan-input", () -> ScannerRunner.run(scanners.inputScanners(),
                inputs, inputs.stream().map(i -> request.role()).toList(), metrics));
        List<ModerationResult> results = ModerationResult.of(inputs.size(), findings);
        long flagged = results.stream().filter(ModerationResult::flagged).count();
        Map<String, Integer> counts = new TreeMap<>();
        findings.forEach(f -> counts.merge(f.type(), 1, Integer::sum));
        facts = facts.routed(scanners.name(), MODEL)
                .decided(flagged > 0 ? "flagged" : "not_flagged", InputGuard.controlsOf(scanners.inputScanners(), findings,
                        "input"), counts)
                .servedBy(new RequestFacts.Served(MODEL, "local", "moderation: " + flagged + " of " + inputs.size()
                        + " inputs flagged"));
        long tokens = inputs.stream().mapToLong(s -> (s.length() + 3) / 4).sum();
        ObjectNode body = ModerationResult.toJson(exchange.requestId(), results);
        return new Served(new Outcome.Answered(new Outcome.Reply.Whole(body), new Outcome.Usage(tokens, 0)), facts, "",
                () -> { });
    }

    private Request parse(Exchange exchange, ApiKey key) {
        ObjectNode request = RequestBodies.parseObject(exchange.body(), exchange.body().length);
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
        List<String> inputs = RequestBodies.textInputs(request, guard.maxMessages(),
                "images and other multi-modal inputs are not judged");
        for (String s : inputs) {
            if (s.length() > guard.maxMessageChars()) {
                throw new Refusal(ApiError.invalidParam("input", "Each input may have at most " + guard.maxMessageChars()
                        + " characters (guard.max-message-chars)."));
            }
        }
        JsonNode type = request.get("bastion_input_type");
        String role;
        if (type == null || type.isNull() || type.asText().equals("user")) {
            role = "user";
        } else if (type.asText().equals("tool")) {
            role = "tool";
        } else {
            throw new Refusal(ApiError.invalidParam("bastion_input_type", "'bastion_input_type' must be 'user' (what a "
                    + "person typed) or 'tool' (content an assistant reads: tool results, documents)."));
        }
        return new Request(inputs, role);
    }
}
