package dev.bastion.console;

import dev.bastion.gateway.identity.KeyService;
import dev.bastion.gateway.pipeline.AuditTrail;
import dev.bastion.store.keys.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Login and logout. A login presents an admin or auditor API key, over TLS or from this machine only; it is
 * rate-limited per address, checked against the same store as the API, and audited whether it succeeds
 * ({@code console.login}) or not ({@code console.login.refused}). The login form carries its own CSRF token
 * (double submit: a cookie and a field that must match) and must come from this console's origin.
 */
final class Login {
    private static final String LOGIN_COOKIE = "bastion-console-login";

    private final Html html;
    private final Sessions sessions;
    private final Gatekeeper gatekeeper;
    private final KeyService keys;
    private final AuditTrail trail;
    private final LoginLimiter limiter;
    private final SecureRandom random = new SecureRandom();

    Login(Html html, Sessions sessions, Gatekeeper gatekeeper, KeyService keys, AuditTrail trail, LoginLimiter limiter) {
        this.html = Objects.requireNonNull(html, "html");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.gatekeeper = Objects.requireNonNull(gatekeeper, "gatekeeper");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    void page(WebCall call) {
        if (gatekeeper.check(call) instanceof Gatekeeper.Access.Allowed) {
            call.redirect("/");
            return;
        }
        show(call, 200, Optional.empty());
    }

    private void show(WebCall call, int status, Optional<String> message) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String csrf = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        call.addCookie(LOGIN_COOKIE + "=" + csrf + "; Path=/login; HttpOnly; SameSite=Strict"
                + (call.secure() ? "; Secure" : ""));
        call.html(status, html.render("login.jte", new Views.Login(new Views.Chrome("Log in", "login", Optional.empty()),
                csrf, message)));
    }

    void submit(WebCall call) {
        if (!call.secure() && !call.fromLoopback()) {
            show(call, 403, Optional.of("Log in over TLS, or from this machine: a key must not cross a network in clear text."));
            return;
        }
        String cookie = call.cookie(LOGIN_COOKIE).orElse("");
        String field = call.form().getOrDefault(Gatekeeper.CSRF_FIELD, "");
        if (!gatekeeper.sameOrigin(call) || cookie.isEmpty() || !MessageDigest.isEqual(
                cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8))) {
            show(call, 403, Optional.of("The login form was stale or came from another site; try again."));
            return;
        }
        if (!limiter.allows(call.remoteAddress())) {
            show(call, 429, Optional.of("Too many login attempts; wait a minute."));
            return;
        }
        Optional<ApiKey> key = keys.authenticate(call.field("key").orElse("")).filter(k -> k.role().mayReadUsage());
        if (key.isEmpty()) {
            limiter.failed(call.remoteAddress());
            trail.admin(null, "anonymous", "console.login.refused", "-");
            show(call, 401, Optional.of("That is not an active admin or auditor key."));
            return;
        }
        ApiKey k = key.get();
        Optional<Sessions.Opened> opened = sessions.open(k.id(), k.role(), k.tenant());
        if (opened.isEmpty()) {
            show(call, 503, Optional.of("Too many open console sessions; try again later."));
            return;
        }
        trail.admin(null, k.id(), "console.login", k.role().configName());
        call.addCookie(gatekeeper.sessionCookie(opened.get().token()));
        call.addCookie(LOGIN_COOKIE + "=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict" + (call.secure() ? "; Secure" : ""));
        call.redirect("/");
    }

    void logout(WebCall call, Viewer viewer) {
        sessions.end(call.cookie(gatekeeper.cookieName()).orElse(null));
        trail.admin(null, viewer.keyId(), "console.logout", "-");
        call.addCookie(gatekeeper.clearedCookie());
        call.redirect("/login");
    }
}
