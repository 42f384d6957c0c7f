package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.metrics.GatewayMetrics;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.gateway.pipeline.Authenticator;
import dev.bastion.gateway.pipeline.Exchange;
import dev.bastion.privacy.fairness.monitor.Alert;
import dev.bastion.privacy.fairness.monitor.BatchResult;
import dev.bastion.privacy.fairness.monitor.Decision;
import dev.bastion.privacy.fairness.monitor.FairnessMonitor;
import dev.bastion.privacy.fairness.monitor.Outcome;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /admin/v1/fairness/outcomes} (admin only): a batch of decisions and outcomes for one configured
 * fairness monitor; {@code GET /admin/v1/fairness/status} (admin or auditor): every monitor's windows and alerts.
 *
 * <p>A batch is {@code {"monitor": NAME, "decisions": [{"request_id", "groups": {ATTR: VALUE}, "decision": 0|1,
 * "label": 0|1 (optional)}], "outcomes": [{"request_id", "label": 0|1}]}}; booleans are taken for the bits too. Any
 * other field is refused, so a service cannot hand the gateway features or prompts by mistake. Each alert a batch
 * raises is written to the audit log ({@code fairness.alert}, metadata only) and counted in
 * {@code bastion_fairness_alerts_total}.
 */
public final class FairnessEndpoints {
    /** Decisions plus outcomes in one batch at most (the body limit applies as well). */
    static final int MAX_BATCH = 10_000;
    private static final Set<String> BATCH_FIELDS = Set.of("monitor", "decisions", "outcomes");
    private static final Set<String> DECISION_FIELDS = Set.of("request_id", "groups", "decision", "label");
    private static final Set<String> OUTCOME_FIELDS = Set.of("request_id", "label");

    private final Authenticator authenticator;
    private final AuditTrail audit;
    private final GatewayMetrics metrics;
    private final Map<String, FairnessMonitor> monitors;

    public FairnessEndpoints(Authenticator authenticator, AuditTrail audit, GatewayMetrics metrics,
            List<FairnessMonitor> monitors) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Map<String, FairnessMonitor> byName = new LinkedHashMap<>();
        monitors.forEach(m -> byName.put(m.settings().name(), m));
        this.monitors = Map.copyOf(byName);
    }

    void outcomes(Exchange ex) {
        ApiKey actor = authenticator.authenticate(ex.header("Authorization"), Role::mayManageKeys,
                "post fairness decisions and outcomes");
        ObjectNode req = RequestBodies.parseObject(ex.body(), ex.body().length);
        onlyFields(req, BATCH_FIELDS, "the batch");
        FairnessMonitor monitor = monitor(req);
        List<Decision> decisions = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        JsonNode d = list(req, "decisions");
        JsonNode o = list(req, "outcomes");
        if (d.size() + o.size() > MAX_BATCH) {
            throw new Refusal(ApiError.invalidRequest("batch_too_large", "A batch holds at most " + MAX_BATCH
                    + " decisions and outcomes together; split it."));
        }
        for (int i = 0; i < d.size(); i++) {
            decisions.add(decision(d.get(i), "decisions[" + i + "]"));
        }
        for (int i = 0; i < o.size(); i++) {
            String at = "outcomes[" + i + "]";
            ObjectNode item = object(o.get(i), at);
            onlyFields(item, OUTCOME_FIELDS, at);
            outcomes.add(checked(at, () -> new Outcome(text(item, "request_id", at), bit(item.get("label"), at + ".label"))));
        }
        audit.requireWritable(); // alerts must reach the audit log: refuse before counting, not after
        BatchResult result = monitor.record(decisions, outcomes);
        switch (result) {
            case BatchResult.Refused r -> throw new Refusal(switch (r.reason()) {
                case WRONG_ATTRIBUTES -> ApiError.invalidRequest("wrong_group_attributes", r.message());
                case TOO_MANY_GROUPS -> ApiError.rateLimited("too_many_groups", r.message(), Duration.ofSeconds(60));
                case PENDING_FULL -> ApiError.rateLimited("too_many_pending_decisions", r.message(), Duration.ofSeconds(10));
            });
            case BatchResult.Recorded r -> {
                for (Alert a : r.alerts()) {
                    metrics.fairnessAlert(a.monitor(), a.group(), a.metric().configName());
                    audit.admin(ex.requestId(), actor.id(), "fairness.alert", a.describe());
                }
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("object", "fairness.batch");
                body.put("monitor", monitor.settings().name());
                body.put("decisions", r.decisions());
                body.put("resolved", r.resolved());
                body.put("orphans", r.orphans());
                body.put("duplicates", r.duplicates());
                ArrayNode alerts = body.putArray("alerts");
                r.alerts().forEach(a -> alerts.add(FairnessJson.alert(a)));
                ex.respond(200, body);
            }
        }
    }

    void status(Exchange ex) {
        authenticator.authenticate(ex.header("Authorization"), Role::mayReadUsage, "read fairness monitors");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        monitors.values().stream().sorted(java.util.Comparator.comparing(m -> m.settings().name()))
                .forEach(m -> data.add(FairnessJson.status(m.status())));
        ex.respond(200, body);
    }

    private FairnessMonitor monitor(ObjectNode req) {
        JsonNode name = req.get("monitor");
        if (name == null || !name.isTextual()) {
            throw new Refusal(ApiError.invalidParam("monitor", "'monitor' is required: the name of a monitor in "
                    + "fairness-monitors (configured: " + monitors.keySet().stream().sorted().toList() + ")."));
        }
        FairnessMonitor m = monitors.get(name.asText());
        if (m == null) {
            throw new Refusal(ApiError.notFound("monitor_not_found", "No fairness monitor of that name is configured "
                    + "(configured: " + monitors.keySet().stream().sorted().toList() + ")."));
        }
        return m;
    }

    private static Decision decision(JsonNode node, String at) {
        ObjectNode item = object(node, at);
        onlyFields(item, DECISION_FIELDS, at);
        ObjectNode groups = object(item.path("groups"), at + ".groups");
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : groups.properties()) {
            if (!e.getValue().isTextual()) {
                throw new Refusal(ApiError.invalidParam(at + ".groups", at + ".groups: every value must be a string."));
            }
            values.put(e.getKey(), e.getValue().asText());
        }
        JsonNode label = item.get("label");
        Optional<Boolean> known = label == null || label.isNull() ? Optional.empty()
                : Optional.of(bit(label, at + ".label"));
        return checked(at, () -> new Decision(text(item, "request_id", at), values, bit(item.get("decision"),
                at + ".decision"), known));
    }

    private static <T> T checked(String at, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new Refusal(ApiError.invalidParam(at, at + ": " + e.getMessage() + "."));
        }
    }

    private static JsonNode list(ObjectNode req, String field) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            return Json.MAPPER.createArrayNode();
        }
        if (!n.isArray()) {
            throw new Refusal(ApiError.invalidParam(field, "'" + field + "' must be an array."));
        }
        return n;
    }

    private static ObjectNode object(JsonNode n, String at) {
        if (!(n instanceof ObjectNode o)) {
            throw new Refusal(ApiError.invalidParam(at, at + " must be a JSON object."));
        }
        return o;
    }

    /** Refuses unknown fields without echoing their names (a client's field names are its text). */
    private static void onlyFields(ObjectNode o, Set<String> allowed, String at) {
        for (java.util.Iterator<String> it = o.fieldNames(); it.hasNext();) {
            if (!allowed.contains(it.next())) {
                throw new Refusal(ApiError.invalidRequest("unknown_field", at + " has a field that is not one of "
                        + allowed.stream().sorted().toList() + "; nothing else about a case is accepted."));
            }
        }
    }

    private static String text(ObjectNode o, String field, String at) {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new Refusal(ApiError.invalidParam(at + "." + field, at + "." + field + " must be a string."));
        }
        return n.asText();
    }

    /** 0, 1, false or true. */
    private static boolean bit(JsonNode n, String at) {
        if (n != null && n.isBoolean()) {
            return n.asBoolean();
        }
        if (n != null && n.isIntegralNumber() && (n.asLong() == 0 || n.asLong() == 1)) {
            return n.asLong() == 1;
        }
        throw new Refusal(ApiError.invalidParam(at, at + " must be 0 or 1 (or false or true)."));
    }
}
