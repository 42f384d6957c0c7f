package dev.bastion.console;

import dev.bastion.crypto.InsecureSecretAccess;
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
import java.util.Optional;

/**
 * Keys: the list (tenant-bound viewers see their tenant's), and for admins create, revoke and rotate. A new key's
 * secret is rendered once, in the response to the create or rotate, which is never cached; it is not kept.
 */
final class KeysPage {
    private final Html html;
    private final KeyService keys;
    private final AuditTrail trail;
    private final Sessions sessions;
    private final Clock clock;

    KeysPage(Html html, KeyService keys, AuditTrail trail, Sessions sessions, Clock clock) {
        this.html = html;
        this.keys = keys;
        this.trail = trail;
        this.sessions = sessions;
        this.clock = clock;
    }

    void list(WebCall call, Viewer viewer) {
        Optional<String> notice = call.query("done").filter(d -> d.equals("revoked")).map(d -> "The key was revoked.");
        render(call, viewer, 200, notice);
    }

    private void render(WebCall call, Viewer viewer, int status, Optional<String> notice) {
        Instant now = clock.instant();
        List<Views.KeyRow> rows = keys.list().stream()
                .filter(k -> viewer.sees(Optional.of(k.tenant())))
                .sorted(Comparator.comparing(ApiKey::createdAt).reversed())
                .map(k -> new Views.KeyRow(k.id(), k.label(), k.role().configName(), k.tenant(), String.join(", ", k.models()),
                        k.createdAt().toString(), k.expiresAt().map(Instant::toString).orElse("never"),
                        k.revokedAt().isPresent() ? "revoked" : k.isActive(now) ? "active" : "expired", k.isActive(now)))
                .toList();
        call.html(status, html.render("keys.jte", new Views.Keys(new Views.Chrome("Keys", "keys", Optional.of(viewer)),
                rows, notice, viewer.tenantScope())));
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
