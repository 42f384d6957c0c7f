package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.api.ApiError;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.api.RequestBodies;
import dev.bastion.gateway.identity.Expiry;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.gateway.pipeline.Authenticator;
import dev.bastion.gateway.pipeline.ConversationVault;
import dev.bastion.gateway.pipeline.Exchange;
import dev.bastion.gateway.pipeline.UsageRecorder;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import dev.bastion.store.usage.UsageRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code /admin/v1/keys} (admin only) and {@code /admin/v1/usage} (admin or auditor). */
public final class AdminEndpoints {
    private final Authenticator authenticator;
    private final KeyService keys;
    private final UsageRepository usageRepository;
    private final UsageRecorder usageRecorder;
    private final Clock clock;
    private final AuditTrail audit;
    private final ConversationVault vault;
    private final dev.bastion.guard.pseudonym.PseudonymVault pseudonyms;

    public AdminEndpoints(Authenticator authenticator, KeyService keys, UsageRepository usageRepository,
            UsageRecorder usageRecorder, Clock clock, AuditTrail audit, ConversationVault vault,
            dev.bastion.guard.pseudonym.PseudonymVault pseudonyms) {
        this.audit = audit;
        this.vault = vault;
        this.pseudonyms = pseudonyms;
        this.authenticator = authenticator;
        this.keys = keys;
        this.usageRepository = usageRepository;
        this.usageRecorder = usageRecorder;
        this.clock = clock;
    }

    void listKeys(Exchange ex) {
        admin(ex); // listing is read-only and not audited
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ApiKey k : keys.list()) {
            data.add(KeyJson.describe(k));
        }
        ex.respond(200, body);
    }

    void createKey(Exchange ex) {
        ApiKey actor = admin(ex);
        audit.requireWritable();
        ObjectNode req = RequestBodies.parseObject(ex.body(), ex.body().length);
        KeyService.KeySpec spec = specFrom(req);
        KeyService.CreatedKey created = keys.create(spec);
        audit.admin(ex.requestId(), actor.id(), "key.create", created.key().id());
        ObjectNode body = KeyJson.describe(created.key());
        body.put("key", created.secret().toUtf8(InsecureSecretAccess.get()));
        ex.respond(201, body);
    }

    void revokeKey(Exchange ex, String id) {
        ApiKey actor = admin(ex);
        audit.requireWritable();
        if (!keys.revoke(id)) {
            throw new Refusal(ApiError.notFound("key_not_found", "No active key with id '" + safeId(id) + "'."));
        }
        audit.admin(ex.requestId(), actor.id(), "key.revoke", id);
        ex.respond(200, KeyJson.describe(keys.find(id).orElseThrow()));
    }

    void rotateKey(Exchange ex, String id) {
        ApiKey actor = admin(ex);
        audit.requireWritable();
        KeyService.CreatedKey created = keys.rotate(id).orElseThrow(() -> new Refusal(
                ApiError.notFound("key_not_found", "No active key with id '" + safeId(id) + "'.")));
        audit.admin(ex.requestId(), actor.id(), "key.rotate", id + "->" + created.key().id());
        ObjectNode body = KeyJson.describe(created.key());
        body.put("key", created.secret().toUtf8(InsecureSecretAccess.get()));
        body.put("replaces", id);
        ex.respond(201, body);
    }

    void usage(Exchange ex, Optional<String> tenant, Optional<String> keyId) {
        authenticator.authenticate(ex.header("Authorization"), Role::mayReadUsage, "read usage");
        usageRecorder.flush();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (UsageRepository.Usage u : usageRepository.usage(tenant, keyId)) {
            ObjectNode row = data.addObject();
            row.put("day", u.day().toString());
            row.put("tenant", u.tenant());
            row.put("key_id", u.keyId());
            row.put("model", u.model());
            row.put("requests", u.requests());
            row.put("prompt_tokens", u.promptTokens());
            row.put("completion_tokens", u.completionTokens());
        }
        ex.respond(200, body);
    }

    /** Everything held about a data subject (admin only: it includes content). */
    void exportSubject(Exchange ex, String subject) {
        ApiKey actor = admin(ex);
        audit.requireWritable();
        ObjectNode body = vault.export(subject);
        audit.admin(ex.requestId(), actor.id(), "subject.export", body.path("subject_hash").asText());
        ex.respond(200, body);
    }

    /**
     * Erases a data subject: for a subject {@code key:ID}, first the pseudonym tables of that API key's live
     * conversations (in every replica's shared cache: when it cannot be reached, nothing is erased and the answer is
     * 503, to be retried); then destroys its key, deletes its conversations, and writes a receipt to the audit log.
     */
    void eraseSubject(Exchange ex, String subject) {
        ApiKey actor = admin(ex);
        audit.requireWritable();
        int tables = 0;
        if (subject.startsWith("key:")) {
            try {
                tables = pseudonyms.eraseKey(subject.substring(4));
            } catch (dev.bastion.gateway.cluster.RedisTables.Unreachable e) {
                throw new Refusal(ApiError.unavailable("pseudonym_cache_unreachable", e.getMessage()));
            }
        }
        ConversationVault.Erasure erasure = vault.erase(subject);
        audit.admin(ex.requestId(), actor.id(), "subject.erase", erasure.subjectHash() + " key_destroyed="
                + erasure.keyDestroyed() + " conversations_deleted=" + erasure.conversationsDeleted()
                + " pseudonym_tables_erased=" + tables);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("subject_hash", erasure.subjectHash());
        body.put("key_destroyed", erasure.keyDestroyed());
        body.put("conversations_deleted", erasure.conversationsDeleted());
        body.put("pseudonym_tables_erased", tables);
        ex.respond(200, body);
    }

    void explain(Exchange ex, String requestId) {
        authenticator.authenticate(ex.header("Authorization"), Role::mayReadUsage, "read decision records");
        ex.respond(200, audit.explain(requestId).orElseThrow(() -> new Refusal(ApiError.notFound("request_not_found",
                "No decision record for that request id among the most recent 100,000 requests; "
                        + "'bastion audit export' reads the whole log."))));
    }

    private ApiKey admin(Exchange ex) {
        return authenticator.authenticate(ex.header("Authorization"), Role::mayManageKeys, "manage keys");
    }

    private KeyService.KeySpec specFrom(ObjectNode req) {
        try {
            Role role = Role.fromConfig(text(req, "role", "user"));
            String tenant = text(req, "tenant", "default");
            List<String> models = new ArrayList<>();
            JsonNode m = req.get("models");
            if (m == null || m.isNull()) {
                models.add("*");
            } else if (m.isArray()) {
                m.forEach(n -> models.add(n.asText()));
            } else {
                throw new IllegalArgumentException("'models' must be an array of model names or globs");
            }
            Optional<java.time.Instant> expires = req.hasNonNull("expires_in")
                    ? Optional.of(clock.instant().plus(Expiry.parse(text(req, "expires_in", ""))))
                    : Optional.empty();
            Optional<Limits> limits = Optional.empty();
            if (req.get("limits") instanceof ObjectNode l) {
                limits = Optional.of(new Limits(l.path("requests_per_minute").asInt(0),
                        l.path("tokens_per_minute").asLong(0), l.path("concurrent_requests").asInt(0)));
            }
            return new KeyService.KeySpec(role, tenant, models, expires, limits, text(req, "label", ""));
        } catch (IllegalArgumentException e) {
            throw new Refusal(ApiError.invalidRequest("invalid_key_spec", e.getMessage()));
        }
    }

    private static String text(ObjectNode req, String field, String fallback) {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return n.asText();
    }

    private static String safeId(String id) {
        if (id.isEmpty() || id.length() > 40) {
            return "(invalid id)";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return "(invalid id)";
            }
        }
        return id;
    }
}
