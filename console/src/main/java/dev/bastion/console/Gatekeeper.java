package dev.bastion.console;

import dev.bastion.gateway.identity.KeyService;
import dev.bastion.store.keys.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a console request may go on, before any handler runs: the session named by the cookie must be
 * live and its key still active with a console role; a request that changes anything (any method but GET) must
 * also come from this console's own origin ({@code Origin} header) and carry the session's CSRF token (form field
 * {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}). Roles are checked again by each write handler.
 */
final class Gatekeeper {
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** The outcome of the check. */
    sealed interface Access {
        /** The request may go on, as {@code viewer}. */
        record Allowed(Viewer viewer, String token) implements Access {
        }

        /** No live session: GET goes to the login page, anything else gets 401. */
        record NoSession() implements Access {
        }

        /** A session, but the request is refused: 403 with a reason that names no secret. */
        record Forbidden(String reason) implements Access {
        }
    }

    private final Sessions sessions;
    private final KeyService keys;
    private final Clock clock;
    private final boolean tls;

    Gatekeeper(Sessions sessions, KeyService keys, Clock clock, boolean tls) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tls = tls;
    }

    /**
     * The session cookie's name. Under TLS it is {@code __Host-}prefixed (with Secure, Path=/ and no Domain, so the
     * browser takes it from this origin only). The prefix requires the Secure attribute, which is meant for HTTPS,
     * so on plain loopback HTTP the cookie is named without it; it is still HttpOnly and SameSite=Strict. See
     * docs/console.md.
     */
    String cookieName() {
        return tls ? "__Host-bastion-console" : "bastion-console";
    }

    String sessionCookie(String token) {
        return cookieName() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    String clearedCookie() {
        return cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    Access check(WebCall call) {
        Optional<String> token = call.cookie(cookieName());
        Optional<Sessions.Session> session = token.flatMap(sessions::find);
        if (session.isEmpty()) {
            return new Access.NoSession();
        }
        Sessions.Session s = session.get();
        Optional<ApiKey> key = keys.find(s.keyId()).filter(k -> k.isActive(clock.instant()) && k.role().mayReadUsage());
        if (key.isEmpty()) {
            sessions.endAllOf(s.keyId()); // revoked, expired or demoted since login: the session ends now
            return new Access.NoSession();
        }
        Viewer viewer = new Viewer(s.keyId(), key.get().role(), key.get().tenant(), s.csrf());
        if (!call.isGet()) {
            if (!sameOrigin(call)) {
                return new Access.Forbidden("The request did not come from this console (Origin header).");
            }
            if (!csrfMatches(call, s.csrf())) {
                return new Access.Forbidden("The form is missing its CSRF token or it is stale; reload the page.");
            }
        }
        return new Access.Allowed(viewer, token.get());
    }

    /**
     * Whether the request comes from a page of this console. Browsers send {@code Origin} on every POST, but under
     * this console's {@code Referrer-Policy: no-referrer} they send it as {@code null} (Fetch, "serializing a request
     * origin"); then the browser's {@code Sec-Fetch-Site: same-origin} must vouch instead. Neither header can be set
     * by a script or by another site's page, and a foreign origin, a missing Origin and {@code null} without
     * Sec-Fetch-Site are all refused.
     */
    boolean sameOrigin(WebCall call) {
        Optional<String> origin = call.header("Origin");
        Optional<String> host = call.header("Host");
        if (origin.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (origin.get().equals("null")) {
            return call.header("Sec-Fetch-Site").filter("same-origin"::equals).isPresent();
        }
        String expected = (tls ? "https://" : "http://") + host.get();
        return MessageDigest.isEqual(origin.get().getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    static boolean csrfMatches(WebCall call, String expected) {
        String given = call.header(CSRF_HEADER).orElseGet(() -> call.form().getOrDefault(CSRF_FIELD, ""));
        return !given.isEmpty() && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
