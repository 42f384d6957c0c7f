package dev.bastion.app.report;

import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.ModelSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The HIPAA Security Rule's technical safeguards (45 CFR 164.312 (a) to (e)), each mapped to the configuration keys
 * that implement it and the records that show it working. Administrative and physical safeguards are out of scope:
 * a gateway has no evidence for them.
 */
final class HipaaReport {
    private HipaaReport() {
    }

    static List<Section> sections(ReportFacts f) {
        List<Section> out = new ArrayList<>();
        out.add(CommonSections.scope(f));
        out.add(new Section("164.312(a)", "164.312(a)(1) Access control", access(f),
                List.of("164.312(a)(2)(ii) Emergency access procedure: who may create an admin key, and how.")));
        out.add(new Section("164.312(b)", "164.312(b) Audit controls", audit(f)));
        out.add(new Section("164.312(c)", "164.312(c)(1) Integrity", List.of(Statement.of("The records this report "
                + "counts were read back and their RFC 9162 tree head matched the signed checkpoint in the scope "
                + "section before any count was made; any changed, removed or reordered record fails that check.",
                f.audit()), Statement.of("Stored conversation content is sealed with authenticated encryption "
                + "(AES-256-GCM, Tink AEAD) under per-subject keys, so a changed byte fails decryption.",
                CommonSections.config("conversations.master-key"), Source.docs("crypto/README.md")))));
        out.add(new Section("164.312(d)", "164.312(d) Person or entity authentication", authentication(f)));
        out.add(new Section("164.312(e)", "164.312(e)(1) Transmission security", transmission(f)));
        Section tested = DpiaReport.effectiveness(f);
        out.add(new Section("164.308(a)(8)", "164.308(a)(8) Evaluation: technical testing of these safeguards",
                tested.statements(), tested.toComplete()));
        out.add(CommonSections.activity(f));
        return out;
    }

    static List<Statement> access(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("(i) Unique user identification: every request record names the API key (key id) and "
                + "tenant that made it; " + f.counts().requests() + " request records in the period.", f.audit()));
        f.keys().ifPresentOrElse(k -> s.add(Statement.of("(iii) Automatic logoff: " + k.activeWithExpiry() + " of "
                + k.active() + " active keys expire; " + k.revoked() + " keys have been revoked.", KeyFacts.SOURCE)),
                () -> s.add(Statement.of("(iii) Automatic logoff: no key store was found in the data directory.",
                        CommonSections.config("store.url"))));
        s.add(Statement.of("(iv) Encryption: stored conversations are encrypted per data subject under the master key "
                + "reference " + f.setting("conversations.master-key").replace("  (secret: reference only)", "") + ".",
                CommonSections.config("conversations.master-key")));
        s.addAll(CommonSections.retention(f));
        return s;
    }

    static List<Statement> audit(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Every request and admin action is recorded (no prompt or answer text) in an append-only "
                + "log whose tree head is signed with " + f.setting("audit.signature-algorithm") + " at least every "
                + f.setting("audit.checkpoint-every") + " records; with durability " + f.setting("audit.durability")
                + " an answer is withheld if its record cannot be written.", CommonSections.config(
                "audit.signature-algorithm"), CommonSections.config("audit.checkpoint-every"),
                CommonSections.config("audit.durability")));
        s.add(Statement.of("Recorded in the period: " + f.counts().records() + " records, " + f.counts().requests()
                + " requests, refusals by reason " + AuditCounts.list(f.counts().refusals()) + ".", f.audit()));
        return s;
    }

    static List<Statement> authentication(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Clients authenticate with bearer API keys; the store keeps only their hashes.",
                KeyFacts.SOURCE, Source.docs("README.md")));
        f.keys().ifPresent(k -> s.add(Statement.of("Active keys by role: " + AuditCounts.list(k.activeByRole())
                + ", across " + k.tenants() + " tenants.", KeyFacts.SOURCE)));
        s.add(Statement.of("Requests refused for authentication in the period: "
                + (f.counts().refusals().getOrDefault("invalid_api_key", 0L)
                        + f.counts().refusals().getOrDefault("missing_api_key", 0L)) + ".", f.audit()));
        return s;
    }

    static List<Statement> transmission(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Clients to gateway: " + (f.settings().containsKey("server.tls.keystore") ? "HTTPS with the "
                + "keystore " + f.setting("server.tls.keystore") : "plain HTTP bound to " + f.setting("server.host")
                + "; HTTPS must be provided in front of the gateway") + ".", CommonSections.config("server.host"),
                CommonSections.config("server.tls.keystore")));
        List<ModelSettings> models = f.config().models();
        for (int i = 0; i < models.size(); i++) {
            ModelSettings m = models.get(i);
            if (m.location() == Location.CLOUD) {
                boolean https = m.baseUrl().map(u -> "https".equalsIgnoreCase(u.getScheme())).orElse(true);
                s.add(Statement.of("Gateway to model " + m.name() + ": " + (https ? "HTTPS" : "NOT encrypted (http)")
                        + ".", CommonSections.config("models[" + i + "].location"),
                        CommonSections.config("models[" + i + "].base-url")));
            }
        }
        // what is taken out of a request before it is transmitted, route by route
        s.addAll(CommonSections.routes(f));
        return s;
    }
}
