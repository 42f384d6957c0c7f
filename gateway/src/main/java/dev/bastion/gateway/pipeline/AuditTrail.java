package dev.bastion.gateway.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.gateway.api.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Stage 9 (audit part): one record per request in the tamper-evident audit log, and one per admin action.
 *
 * <p>A record says who asked (key id, tenant), what was decided and why (route, the model that answered and where
 * it runs, the decision, finding types and counts from every scanner that ran), and how it ended (status, error
 * code, tokens, latency). It never holds prompt or answer text, matched values, keys or unvalidated names. Appends
 * are asynchronous: the request does not wait for the group commit; a failed append is logged and counted.
 * Thread-safe.
 */
public final class AuditTrail {
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());

    private final AuditLog log;
    private final Clock clock;

    /** What one request did; fields that do not apply are null. */
    public static final class Event {
        String type = "request";
        String endpoint;
        String requestId;
        String keyId;
        String tenant;
        String route;
        String model;
        String servedBy;
        String location;
        String decision;
        Map<String, Integer> findings = new TreeMap<>();
        int status;
        String outcome = "ok";
        long promptTokens;
        long completionTokens;
        long latencyMicros;
    }

    public AuditTrail(AuditLog log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void record(Event e) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("v", 1);
        r.put("time", clock.instant().toString());
        r.put("type", e.type);
        put(r, "endpoint", e.endpoint);
        put(r, "request_id", e.requestId);
        put(r, "key_id", e.keyId);
        put(r, "tenant", e.tenant);
        put(r, "route", e.route);
        put(r, "model", e.model);
        put(r, "served_by", e.servedBy);
        put(r, "location", e.location);
        put(r, "decision", e.decision);
        ObjectNode findings = r.putObject("findings");
        e.findings.forEach(findings::put);
        r.put("status", e.status);
        r.put("outcome", e.outcome);
        r.put("prompt_tokens", e.promptTokens);
        r.put("completion_tokens", e.completionTokens);
        r.put("latency_us", e.latencyMicros);
        append(r);
    }

    /** An admin action: {@code action} such as {@code key.create}, on {@code subject} (a key id), by {@code actor}. */
    public void admin(String requestId, String actorKeyId, String action, String subject) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("v", 1);
        r.put("time", clock.instant().toString());
        r.put("type", "admin");
        r.put("request_id", requestId);
        r.put("key_id", actorKeyId);
        r.put("action", action);
        r.put("subject", subject);
        append(r);
    }

    private void append(ObjectNode record) {
        log.append(record.toString().getBytes(StandardCharsets.UTF_8)).whenComplete((index, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.ERROR, "an audit record could not be written: " + error.getClass().getSimpleName());
            }
        });
    }

    private static void put(ObjectNode r, String field, String value) {
        if (value == null) {
            r.putNull(field);
        } else {
            r.put(field, value);
        }
    }
}
