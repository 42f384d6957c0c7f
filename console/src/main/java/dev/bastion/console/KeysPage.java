package dev.bastion.console;

import dev.bastion.crypto.InsecureSecretAccess;
import dev.bastion.gateway.config.LimitSettings;
import dev.bastion.gateway.identity.Expiry;
import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.store.keys.ApiKey;
import dev.bastion.store.keys.Limits;
import dev.bastion.store.keys.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keys: the list with each key's limits and the tenants with their keys (tenant-bound viewers see their tenant's),
 * and for admins create, revoke, rotate and change limits. A new key's secret is rendered once, in the response to
 * the create or rotate, which is never cached; it is not kept.
 */
final class KeysPage {
    private final Html html;
    private final KeyService keys;
    private final AuditTrail trail;
    private final Sessions sessions;
    private final Clock clock;
    private final LimitSettings defaults;

    KeysPage(Html html, KeyService keys, AuditTrail trail, Sessions sessions, Clock clock, LimitSettings defaults) {
        this.defaults = defaults;
        this.html = html;
        this.keys = keys;
        this.trail = trail;
        this.sessions = sessions;
        this.clock = clock;
    }

    void list(WebCall call, Viewer viewer) {
        Optional<String> notice = call.query("done").flatMap(d -> switch (d) {
            case "revoked" -> Optional.of("The key was revoked.");
            case "limits" -> Optional.of("The key's limits were changed; they apply from its next request.");
            default -> Optional.empty();
        });
        render(call, viewer, 200, notice);
    }

    private void render(WebCall call, Viewer viewer, int status, Optional<String> notice) {
        Instant now = clock.instant();
        List<ApiKey> visible = keys.list().stream().filter(k -> viewer.sees(Optional.of(k.tenant())))
                .sorted(Comparator.comparing(ApiKey::createdAt).reversed()).toList();
        List<Views.KeyRow> rows = visible.stream().map(k -> {
            Limits l = k.limits().orElse(defaults.perKey());
            return new Views.KeyRow(k.id(), k.label(), k.role().configName(), k.tenant(), String.join(", ", k.models()),
                    k.createdAt().toString(), k.expiresAt().map(Instant::toString).orElse("never"),
                    k.revokedAt().isPresent() ? "revoked" : k.isActive(now) ? "active" : "expired", k.isActive(now),
                    perMinute(l.requestsPerMinute()), perMinute(l.tokensPerMinute()), perMinute(l.concurrentRequests()),
                    k.limits().isPresent());
        }).toList();
        Map<String, List<ApiKey>> byTenant = new TreeMap<>();
        visible.forEach(k -> byTenant.computeIfAbsent(k.tenant(), t -> new java.util.ArrayList<>()).add(k));
        Limits t = defaults.perTenant();
        List<Views.TenantRow> tenants = byTenant.entrySet().stream().map(e -> new Views.TenantRow(e.getKey(),
                e.getValue().stream().filter(k -> k.isActive(now)).count(), e.getValue().size(),
                e.getValue().stream().filter(k -> k.isActive(now)).map(ApiKey::id).toList(),
                perMinute(t.requestsPerMinute()), perMinute(t.tokensPerMinute()), perMinute(t.concurrentRequests())))
                .toList();
        call.html(status, html.render("keys.jte", new Views.Keys(new Views.Chrome("Keys", "keys", Optional.of(viewer)),
                rows, tenants, notice, viewer.tenantScope())));
    }

    private static String perMinute(long limit) {
        return limit == 0 ? "unlimited" : Long.toString(limit);
    }

    /**
     * {@code POST /keys/limits}: sets the limits of the key named by the field {@code key} (a key the viewer may
     * see): {@code defaults=on} returns it to the configured defaults, otherwise each of {@code requests_per_minute},
     * {@code tokens_per_minute} and {@code concurrent_requests} is a whole number, 0 or empty for unlimited.
     * Audited as {@code key.limits} before the answer; the limiter applies them from the key's next request.
     */
    void setLimits(WebCall call, Viewer viewer) {
        Optional<ApiKey> target = call.field("key").filter(id -> id.matches("key_[0-9a-f]{16}")).flatMap(keys::find)
                .filter(k -> viewer.sees(Optional.of(k.tenant())));
        if (target.isEmpty()) {
            render(call, viewer, 404, Optional.of("No such key."));
            return;
        }
        Optional<Limits> limits;
        try {
            limits = call.field("defaults").isPresent() ? Optional.empty() : Optional.of(new Limits(
                    (int) whole(call, "requests_per_minute", Integer.MAX_VALUE), whole(call, "tokens_per_minute",
                            Long.MAX_VALUE / 2), (int) whole(call, "concurrent_requests", 100_000)));
        } catch (IllegalArgumentException e) {
            render(call, viewer, 400, Optional.of("The limits were not changed: " + e.getMessage()));
            return;
        }
        trail.requireWritable();
        keys.setLimits(target.get().id(), limits);
        trail.admin(null, viewer.keyId(), "key.limits", target.get().id() + " " + limits.map(l -> "rpm="
                + l.requestsPerMinute() + " tpm=" + l.tokensPerMinute() + " concurrent=" + l.concurrentRequests())
                .orElse("defaults"));
        call.redirect("/keys?done=limits");
    }

    private static long whole(WebCall call, String field, long max) {
        Optional<String> text = call.field(field);
        if (text.isEmpty()) {
            return 0;
        }
        if (!text.get().matches("[0-9]{1,19}")) {
            throw new IllegalArgumentException(field.replace('_', ' ') + " must be a whole number (0: unlimited)");
        }
        try {
            long v = Long.parseLong(text.get());
            if (v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field.replace('_', ' ') + " is larger than " + max);
        }
    }

    void create(WebCall call, Viewer viewer) {
        KeyService.KeySpec spec;
        try {
            Role role = Role.fromConfig(call.field("role").orElse("user"));
            String tenant = viewer.tenantScope().orElseGet(() -> call.field("tenant").orElse("default"));
            List<String> models = Arrays.stream(call.field("models").orElse("*").split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
            Optional<Instant> expires = call.field("expires_in").map(e -> clock.instant().plus(Expiry.parse(e)));
            Optional<Limits> limits = call.field("requests_per_minute")
                    .map(rpm -> new Limits(Integer.parseInt(rpm), 0, 0));
            String label = call.field("label").orElse("");
            if (label.length() > 200) {
                throw new IllegalArgumentException("the label is longer than 200 characters");
            }
            spec = new KeyService.KeySpec(role, tenant, models, expires, limits, label);
        } catch (IllegalArgumentException e) {
            render(call, viewer, 400, Optional.of("The key was not created: " + e.getMessage()));
            return;
        }
        trail.requireWritable();
        KeyService.CreatedKey created;
        try {
            created = keys.create(spec);
        } catch (IllegalArgumentException e) {
            render(call, viewer, 400, Optional.of("The key was not created: " + e.getMessage()));
            return;
        }
        trail.admin(null, viewer.keyId(), "key.create", created.key().id());
        showSecret(call, viewer, created, Optional.empty());
    }

    void revoke(WebCall call, Viewer viewer) {
        Optional<ApiKey> target = visibleKey(call, viewer);
        if (target.isEmpty()) {
            render(call, viewer, 404, Optional.of("No such key."));
            return;
        }
        trail.requireWritable();
        if (!keys.revoke(target.get().id())) {
            render(call, viewer, 409, Optional.of("That key was already revoked."));
            return;
        }
        sessions.endAllOf(target.get().id());
        trail.admin(null, viewer.keyId(), "key.revoke", target.get().id());
        call.redirect("/keys?done=revoked");
    }

    void rotate(WebCall call, Viewer viewer) {
        Optional<ApiKey> target = visibleKey(call, viewer);
        if (target.isEmpty()) {
            render(call, viewer, 404, Optional.of("No such key."));
            return;
        }
        trail.requireWritable();
        Optional<KeyService.CreatedKey> created = keys.rotate(target.get().id());
        if (created.isEmpty()) {
            render(call, viewer, 409, Optional.of("Only an active key can be rotated."));
            return;
        }
        sessions.endAllOf(target.get().id());
        trail.admin(null, viewer.keyId(), "key.rotate", target.get().id() + "->" + created.get().key().id());
        showSecret(call, viewer, created.get(), Optional.of(target.get().id()));
    }

    private Optional<ApiKey> visibleKey(WebCall call, Viewer viewer) {
        return call.pathParam("id").filter(id -> id.matches("key_[0-9a-f]{16}")).flatMap(keys::find)
                .filter(k -> viewer.sees(Optional.of(k.tenant())));
    }

    private void showSecret(WebCall call, Viewer viewer, KeyService.CreatedKey created, Optional<String> replaces) {
        ApiKey k = created.key();
        call.html(200, html.render("key-created.jte", new Views.KeyCreated(new Views.Chrome("New key", "keys",
                Optional.of(viewer)), k.id(), created.secret().toUtf8(InsecureSecretAccess.get()), k.role().configName(),
                k.tenant(), replaces)));
    }
}
