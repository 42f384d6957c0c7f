package dev.bastion.app.report;

import dev.bastion.audit.Checkpoint;
import dev.bastion.gateway.config.GatewayConfig;
import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.gateway.config.RouteSettings;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The sections and statements every report kind shares: scope, activity counts, models, routes and retention. */
final class CommonSections {
    private CommonSections() {
    }

    static Source config(String key) {
        return Source.config(key);
    }

    /** What the report covers, and the checkpoint that signs the records it counted. */
    static Section scope(ReportFacts f) {
        Coverage c = f.coverage();
        Checkpoint k = c.decoded();
        Source audit = f.audit();
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Period: " + c.period().describe() + "; " + f.counts().records() + " audit records fall in it.",
                audit));
        s.add(Statement.of(c.tenant().map(t -> "Tenant: " + t + " (request records of this tenant only; admin actions "
                + "carry no tenant and are not counted).").orElse("Tenant: all tenants."), audit));
        s.add(Statement.of("Audit checkpoint: origin " + k.origin() + ", " + k.size() + " records, tree head "
                + Base64.getEncoder().encodeToString(k.root()) + ", signed " + k.time() + " by key " + k.keyId() + " ("
                + k.algorithm().configName() + "). Records written after it are not in this report.",
                audit, config("audit.signature-algorithm")));
        s.add(Statement.of("Settings: the effective configuration at " + c.generated() + c.configFile().map(p -> ", file "
                + p).orElse(", built-in defaults (no config file)") + "; data directory " + f.setting("data-dir") + ".",
                config("data-dir")));
        return new Section("scope", "Scope and evidence", s);
    }

    /** The counts the issue asks every report for. */
    static Section activity(ReportFacts f) {
        AuditCounts n = f.counts();
        Source audit = f.audit();
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Requests: " + n.requests() + "; answered " + n.answered() + ", refused or failed "
                + n.refused() + ".", audit));
        s.add(Statement.of("Refusals by reason: " + AuditCounts.list(n.refusals()) + ".", audit));
        s.add(Statement.of("Policy decisions: " + AuditCounts.list(n.decisions()) + ".", audit));
        s.add(Statement.of("Entity types found and handled by the routes' actions (redacted, pseudonymised or blocked): "
                + AuditCounts.list(n.entityTypes()) + ".", audit));
        s.add(Statement.of("Requests answered by location: " + AuditCounts.list(n.locations()) + "; by route: "
                + AuditCounts.list(n.routes()) + ".", audit));
        s.add(Statement.of("Tokens: " + n.promptTokens() + " prompt, " + n.completionTokens() + " completion.", audit));
        if (f.coverage().tenant().isEmpty()) {
            s.add(Statement.of("Data subjects: exports " + n.action("subject.export") + ", erasures "
                    + n.action("subject.erase") + ".", audit));
            s.add(Statement.of("Models admitted: " + AuditCounts.list(n.modelsAdmitted()) + "; refused: "
                    + AuditCounts.list(n.modelsRefused()) + ".", audit, config("model-security.require-signature")));
            s.add(Statement.of("Admin actions: " + AuditCounts.list(n.adminActions()) + ".", audit));
        } else {
            s.add(Statement.of("Data subject exports and erasures, model admissions and admin actions are not "
                    + "attributed to tenants; make the report without --tenant to count them.", audit));
        }
        return new Section("activity", "Activity in the period", s);
    }

    /**
     * Each differential-privacy ledger in the store with its epsilon and delta budget, spent and left (as the
     * console's privacy page lists them), and the ledger receipts in the audit log for the period.
     */
    static Section ledgers(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        List<String> toComplete = new ArrayList<>();
        if (f.ledgers().isEmpty()) {
            toComplete.add("No store was found in the data directory, so the privacy ledgers could not be read.");
        } else {
            LedgerFacts l = f.ledgers().get();
            s.add(Statement.of(l.ledgers().size() + (l.more() ? "+" : "") + " differential-privacy ledger(s) in the "
                    + "store (one per dataset and privacy unit; budgets are totals over the ledger's life, not the period)"
                    + (l.more() ? "; the first " + LedgerFacts.MAX_LEDGERS + " are listed." : "."), LedgerFacts.SOURCE,
                    Source.docs("docs/differential-privacy.md")));
            for (LedgerFacts.Ledger ledger : l.ledgers()) {
                s.add(Statement.of("Ledger " + ledger.describe() + ".", LedgerFacts.SOURCE));
            }
        }
        if (f.coverage().tenant().isEmpty()) {
            AuditCounts n = f.counts();
            s.add(Statement.of("Ledger receipts in the period: " + n.action("dp.charge") + " budget charges, "
                    + n.action("dp.budget.set") + " budgets set, " + n.action("synth.release")
                    + " synthetic data releases.", f.audit()));
        }
        if (s.isEmpty()) {
            toComplete.add("Make the report without --tenant to count ledger receipts.");
        }
        return new Section("dp-ledgers", "Differential-privacy budgets", s, toComplete);
    }

    /** Each local model's signature and ML-BOM facts: signer, hashes, recorded assessments. */
    static Section modelBoms(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        for (ModelBomFacts m : f.boms()) {
            s.add(new Statement(m.describe(), m.sources()));
        }
        if (s.isEmpty()) {
            s.add(Statement.of("No local model with a path is configured, so there is no model file or ML-BOM to "
                    + "report.", config("models")));
        }
        String assessments = f.setting("model-security.require-assessment").replaceAll("[\\[\\]]", "").strip();
        s.add(Statement.of("To be admitted, a local model " + (Boolean.parseBoolean(f.setting(
                "model-security.require-signature")) ? "must" : "need not") + " be signed by a trusted key, and its "
                + "signed ML-BOM must record passing assessment runs of: " + (assessments.isEmpty() ? "none" : assessments)
                + ".", config("model-security.require-signature"), config("model-security.require-assessment")));
        return new Section("ml-bom", "Local models: signatures and ML-BOM", s);
    }

    /** Where each model runs: on this machine, or at a provider (its host). */
    static List<Statement> models(ReportFacts f) {
        GatewayConfig c = f.config();
        List<Statement> s = new ArrayList<>();
        for (int i = 0; i < c.models().size(); i++) {
            ModelSettings m = c.models().get(i);
            String at = "models[" + i + "]";
            String where = m.location() == Location.LOCAL ? "runs locally"
                    : "sends data to a cloud provider at " + m.baseUrl().map(u -> u.getScheme() + "://" + u.getHost()
                            + (u.getPort() < 0 ? "" : ":" + u.getPort()))
                            .orElse("the backend's default host");
            List<Source> src = new ArrayList<>(List.of(config(at + ".location"), config(at + ".backend")));
            m.baseUrl().ifPresent(u -> src.add(config(at + ".base-url")));
            s.add(new Statement("Model " + m.name() + " (" + m.backend() + " backend, " + m.kind().configName() + ") "
                    + where + ".", src));
        }
        if (s.isEmpty()) {
            s.add(Statement.of("No models are configured.", config("models")));
        }
        return s;
    }

    /** The controls each route applies, in order. */
    static List<Statement> routes(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        List<RouteSettings> routes = f.config().routes();
        for (int i = 0; i < routes.size(); i++) {
            RouteSettings r = routes.get(i);
            String at = "routes[" + i + "]";
            s.add(Statement.of("Route " + r.name() + " (models " + String.join(", ", r.models()) + "): input scanners "
                    + list(r.inputScanners()) + ", output scanners " + list(r.outputScanners()) + "; actions set "
                    + (r.actions().isEmpty() ? "none" : f.setting(at + ".actions")) + " over the built-in ones (secret, "
                    + "injection and structural findings block; with pii, structured identifiers are pseudonymised for "
                    + "cloud models), other types " + r.defaultAction().configName()
                    + (r.localOnly() ? "; local only" : "") + (r.promptCanary() ? "; prompt canary on" : "") + ".",
                    config(at + ".input-scanners"), config(at + ".output-scanners"), config(at + ".actions"),
                    config(at + ".default-action"), config(at + ".local-only"), Source.docs("README.md#the-pipeline")));
        }
        if (s.isEmpty()) {
            s.add(Statement.of("No routes are configured: a request that no route covers is refused (403) and sent nowhere.",
                    config("routes")));
        }
        return s;
    }

    /** What each route keeps and for how long; the audit log, which holds no content, is kept without limit. */
    static List<Statement> retention(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        List<RouteSettings> routes = f.config().routes();
        for (int i = 0; i < routes.size(); i++) {
            RouteSettings r = routes.get(i);
            String at = "routes[" + i + "]";
            s.add(Statement.of("Route " + r.name() + " stores " + switch (r.storage()) {
                case OFF -> "no conversation data";
                case METADATA -> "conversation metadata (who, when, model, tokens; no text) for "
                        + duration(r.retention());
                case CONTENT -> "conversation metadata for " + duration(r.retention()) + " and content, encrypted per "
                        + "data subject, for " + duration(r.contentRetention());
            } + ".", config(at + ".storage"), config(at + ".retention"), config(at + ".content-retention")));
        }
        s.add(Statement.of("The audit log keeps one record per request and admin action, with no prompt or answer "
                + "text, in append-only signed segments; it is not purged by the gateway.",
                Source.docs("audit/README.md"), config("audit.checkpoint-every")));
        return s;
    }

    /** {@code 90 days}, {@code 36 hours}, {@code 15 minutes}, else the ISO-8601 form. */
    static String duration(java.time.Duration d) {
        if (d.toMinutes() * 60 != d.toSeconds() || d.toSeconds() == 0) {
            return d.toString();
        }
        long minutes = d.toMinutes();
        return minutes % 1440 == 0 ? plural(minutes / 1440, "day") : minutes % 60 == 0 ? plural(minutes / 60, "hour")
                : plural(minutes, "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    static String list(List<String> items) {
        return items.isEmpty() ? "none" : String.join(", ", items);
    }
}
