package dev.bastion.console;

import dev.bastion.gateway.api.Refusal;
import dev.bastion.gateway.server.Gateway;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.HttpRouting;
import dev.bastion.gateway.config.ConfigPrinter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The admin console: server-rendered pages on the gateway's {@code admin} listener. Every route is listed in
 * {@link #routes}, top to bottom; every response gets {@link SecurityHeaders}; every page but the login page and
 * the assets passes the {@link Gatekeeper} first, and every write also needs an admin key.
 */
public final class Console {
    /** A page or action of a logged-in viewer. */
    @FunctionalInterface
    interface Handler {
        void handle(WebCall call, Viewer viewer);
    }

    private final Html html = new Html();
    private final Assets assets = new Assets();
    private final Gatekeeper gatekeeper;
    private final Login login;
    private final OverviewPage overview;
    private final KeysPage keys;
    private final UsagePage usage;
    private final AuditPage audit;
    private final PolicyPage policy;
    private final RequestPage requests;
    private final ModelsPage models;
    private final PrivacyPage privacy;
    private final LivePage live;

    private Console(Gateway.Parts parts, List<ConfigPrinter.Setting> settings) {
        Sessions sessions = new Sessions(parts.clock());
        this.gatekeeper = new Gatekeeper(sessions, parts.keys(), parts.clock(), parts.tls());
        this.login = new Login(html, sessions, gatekeeper, parts.keys(), parts.trail(), new LoginLimiter(parts.clock()));
        AuditRecords records = new AuditRecords(parts.auditLog());
        this.overview = new OverviewPage(html, parts, records);
        this.keys = new KeysPage(html, parts.keys(), parts.trail(), sessions, parts.clock(),
                parts.config().limits());
        this.usage = new UsagePage(html, parts.usage(), parts.usageRecorder());
        this.audit = new AuditPage(html, parts.auditLog(), parts.auditPublicKey(), records);
        this.requests = new RequestPage(html, parts.trail(), records);
        this.models = new ModelsPage(html, parts.config().models(), new ModelChecks(parts.config().modelSecurity(),
                parts.clock()), parts.auditLog());
        LiveTraffic traffic = new LiveTraffic();
        parts.trail().addTrafficListener(traffic);
        this.live = new LivePage(html, traffic, sessions, gatekeeper, parts.keys(), parts.clock(), parts.config().models());
        this.privacy = new PrivacyPage(html, parts.privacyLedgers(), parts.clock());
        this.policy = new PolicyPage(html, settings, new DryRun(parts.routes()), parts.trail());
    }

    /**
     * Builds the admin listener's routes from the running gateway's parts: {@code Gateway.start(..., Optional.of(parts
     * -> Console.routing(parts, ConfigPrinter.settings(loaded))))}.
     *
     * @param settings the effective settings with their origins, for the policy page
     */
    public static Consumer<HttpRouting.Builder> routing(Gateway.Parts parts, List<ConfigPrinter.Setting> settings) {
        Console console = new Console(parts, settings);
        return console::routes;
    }

    private void routes(HttpRouting.Builder r) {
        r.addFilter((chain, req, res) -> {
            SecurityHeaders.apply(res);
            chain.proceed();
        });
        r.get("/assets/{name}", (req, res) -> {
            WebCall call = new WebCall(req, res);
            if (!assets.send(call, call.pathParam("name").orElse(""))) {
                problem(call, Optional.empty(), 404, "No such file.");
            }
        });
        r.get("/login", (req, res) -> login.page(new WebCall(req, res)));
        r.post("/login", (req, res) -> login.submit(new WebCall(req, res)));
        r.post("/logout", (req, res) -> gated(new WebCall(req, res), login::logout));
        r.get("/", (req, res) -> gated(new WebCall(req, res), overview::show));
        r.get("/keys", (req, res) -> gated(new WebCall(req, res), keys::list));
        r.post("/keys", (req, res) -> gated(new WebCall(req, res), admin(keys::create)));
        r.post("/keys/limits", (req, res) -> gated(new WebCall(req, res), admin(keys::setLimits)));
        r.post("/keys/{id}/revoke", (req, res) -> gated(new WebCall(req, res), admin(keys::revoke)));
        r.post("/keys/{id}/rotate", (req, res) -> gated(new WebCall(req, res), admin(keys::rotate)));
        r.get("/usage", (req, res) -> gated(new WebCall(req, res), usage::show));
        r.get("/policy", (req, res) -> gated(new WebCall(req, res), policy::show));
        r.post("/policy/dry-run", (req, res) -> gated(new WebCall(req, res), policy::dryRun));
        r.get("/models", (req, res) -> gated(new WebCall(req, res), models::show));
        r.get("/models/bom", (req, res) -> gated(new WebCall(req, res), models::bom));
        r.get("/privacy", (req, res) -> gated(new WebCall(req, res), privacy::show));
        r.get("/live", (req, res) -> gated(new WebCall(req, res), live::show));
        r.get("/live/events", (req, res) -> gated(new WebCall(req, res), live::events));
        r.get("/audit", (req, res) -> gated(new WebCall(req, res), audit::show));
        r.get("/requests", (req, res) -> gated(new WebCall(req, res), requests::show));
        r.get("/audit/proof", (req, res) -> gated(new WebCall(req, res), audit::proof));
        r.get("/audit/consistency", (req, res) -> gated(new WebCall(req, res), audit::consistency));
        r.route(m -> true, PathMatchers.any(), (req, res) -> problem(new WebCall(req, res), Optional.empty(), 404,
                "There is no such page."));
        r.error(Refusal.class, (req, res, e) -> {
            if (!res.isSent()) {
                problem(new WebCall(req, res), Optional.empty(), e.error().status(), e.error().message());
            }
        });
        r.error(IllegalArgumentException.class, (req, res, e) -> {
            if (!res.isSent()) {
                problem(new WebCall(req, res), Optional.empty(), 400, "The request was not understood.");
            }
        });
    }

    private void gated(WebCall call, Handler handler) {
        switch (gatekeeper.check(call)) {
            case Gatekeeper.Access.Allowed(Viewer viewer, String token) -> handler.handle(call, viewer);
            case Gatekeeper.Access.NoSession() -> {
                if (call.isGet()) {
                    call.redirect("/login");
                } else {
                    problem(call, Optional.empty(), 401, "Your session has ended; log in again.");
                }
            }
            case Gatekeeper.Access.Forbidden(String reason) -> problem(call, Optional.empty(), 403, reason);
        }
    }

    /** Writes: admin keys only, checked here on the server whatever the page showed. */
    private Handler admin(Handler handler) {
        return (call, viewer) -> {
            if (!viewer.mayWrite()) {
                problem(call, Optional.of(viewer), 403, "A key with role '" + viewer.roleName()
                        + "' may look but not change anything.");
                return;
            }
            handler.handle(call, viewer);
        };
    }

    private void problem(WebCall call, Optional<Viewer> viewer, int status, String message) {
        call.html(status, html.render("problem.jte", new Views.Problem(new Views.Chrome("Error " + status, "", viewer),
                status, message)));
    }
}
