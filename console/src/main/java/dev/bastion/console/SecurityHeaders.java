package dev.bastion.console;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/**
 * The headers every console response carries, assets and errors included. The policy allows scripts, styles and
 * connections to this origin only, with no inline script or style anywhere (so an injected tag does nothing); the
 * pages cannot be framed, leak no referrer and are never cached (a shown key must not outlive its page).
 */
final class SecurityHeaders {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", CSP,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store",
            "X-Frame-Options", "DENY",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin");

    private SecurityHeaders() {
    }

    static void apply(ServerResponse res) {
        ALL.forEach((name, value) -> res.header(HeaderNames.create(name), value));
    }
}
