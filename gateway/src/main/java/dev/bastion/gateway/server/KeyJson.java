package dev.bastion.gateway.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bastion.gateway.api.Json;
import dev.bastion.store.keys.ApiKey;

/** The public description of a key: everything but the key and its hash. */
public final class KeyJson {
    private KeyJson() {
    }

    public static ObjectNode describe(ApiKey k) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", k.id());
        n.put("role", k.role().configName());
        n.put("tenant", k.tenant());
        k.models().forEach(n.putArray("models")::add);
        n.put("created_at", k.createdAt().toString());
        if (k.expiresAt().isPresent()) {
            n.put("expires_at", k.expiresAt().get().toString());
        } else {
            n.putNull("expires_at");
        }
        if (k.revokedAt().isPresent()) {
            n.put("revoked_at", k.revokedAt().get().toString());
        } else {
            n.putNull("revoked_at");
        }
        k.limits().ifPresent(l -> {
            ObjectNode limits = n.putObject("limits");
            limits.put("requests_per_minute", l.requestsPerMinute());
            limits.put("tokens_per_minute", l.tokensPerMinute());
            limits.put("concurrent_requests", l.concurrentRequests());
        });
        n.put("label", k.label());
        return n;
    }
}
