package dev.bastion.app.report;

import dev.bastion.gateway.config.Location;
import java.util.ArrayList;
import java.util.List;

/**
 * GDPR Article 30(1), the record of processing activities, for the processing Bastion mediates: prompts and answers
 * exchanged with language models. Items (a) to (g) of Article 30(1) in order; what only the controller knows is
 * listed as "to complete".
 */
final class ProcessingReport {
    private ProcessingReport() {
    }

    static List<Section> sections(ReportFacts f) {
        List<Section> out = new ArrayList<>();
        out.add(CommonSections.scope(f));
        out.add(new Section("art30.a", "(a) Controller and contact details", List.of(),
                List.of("Name and contact details of the controller, its representative and the data protection officer.")));
        out.add(new Section("art30.b", "(b) Purposes of the processing", List.of(Statement.of("Bastion forwards requests "
                + "of the key holders it admits to the models listed under (d), after the controls of section (g); "
                + f.counts().requests() + " requests in the period.", f.audit(), CommonSections.config("routes"))),
                List.of("The business purposes for which key holders send personal data to language models.")));
        AuditCounts n = f.counts();
        List<Statement> categories = new ArrayList<>();
        categories.add(Statement.of("Categories of personal data the scanners found in requests and answers in the "
                + "period: " + AuditCounts.list(n.entityTypes()) + ".", f.audit()));
        categories.add(Statement.of("Data subjects are identified to Bastion, when a client sends one, by the header "
                + f.setting("conversations.subject-header") + "; exports " + n.action("subject.export")
                + " and erasures " + n.action("subject.erase") + " in the period.", CommonSections.config(
                "conversations.subject-header"), f.audit()));
        out.add(new Section("art30.c", "(c) Categories of data subjects and of personal data", categories,
                List.of("The categories of data subjects (employees, patients, customers, ...) whose data key holders send.")));
        List<Statement> recipients = new ArrayList<>(CommonSections.models(f));
        long cloud = f.config().models().stream().filter(m -> m.location() == Location.CLOUD).count();
        out.add(new Section("art30.d", "(d) Recipients", recipients, cloud == 0 ? List.of()
                : List.of("The legal name of each cloud provider above and the processing agreement with it.")));
        out.add(new Section("art30.e", "(e) Transfers to third countries", List.of(Statement.of(cloud + " of "
                + f.config().models().size() + " models send data off this machine; requests answered by location in "
                + "the period: " + AuditCounts.list(n.locations()) + ".", CommonSections.config("models"), f.audit())),
                cloud == 0 ? List.of() : List.of("For each cloud provider: the countries it processes in and the "
                        + "safeguard of Article 46 (adequacy decision, standard contractual clauses).")));
        out.add(new Section("art30.f", "(f) Time limits for erasure", CommonSections.retention(f)));
        out.add(new Section("art30.g", "(g) Technical and organisational security measures (Article 32(1))",
                security(f), f.redteam().isPresent() ? List.of() : DpiaReport.effectiveness(f).toComplete()));
        out.add(CommonSections.activity(f));
        return out;
    }

    /** Article 32(1) measures that the configuration and the records show. */
    static List<Statement> security(ReportFacts f) {
        List<Statement> s = new ArrayList<>(CommonSections.routes(f));
        s.add(Statement.of("Transport: " + (f.settings().containsKey("server.tls.keystore")
                ? "the gateway serves HTTPS (TLS keystore " + f.setting("server.tls.keystore") + ")"
                : "the gateway serves plain HTTP on " + f.setting("server.host") + "; TLS is expected in front of it")
                + ".", CommonSections.config("server.host"), CommonSections.config("server.tls.keystore")));
        s.add(Statement.of("Stored conversation content is encrypted per data subject under the master key "
                + "(" + f.setting("conversations.master-key").replace("  (secret: reference only)", "") + ", a "
                + "reference; the key itself is not in the configuration); erasure destroys the subject's key.",
                CommonSections.config("conversations.master-key")));
        s.add(Statement.of("Accountability: the audit log is a Merkle tree with checkpoints signed with "
                + f.setting("audit.signature-algorithm") + " every " + f.setting("audit.checkpoint-every")
                + " records; answers wait for their record (" + f.setting("audit.durability") + ").",
                CommonSections.config("audit.signature-algorithm"), CommonSections.config("audit.checkpoint-every"),
                CommonSections.config("audit.durability")));
        f.keys().ifPresent(k -> s.add(Statement.of("Access: " + k.active() + " active API keys (by role: "
                + AuditCounts.list(k.activeByRole()) + "), " + k.activeWithExpiry() + " of them with an expiry date, "
                + k.revoked() + " revoked; keys are stored as hashes.", KeyFacts.SOURCE)));
        // Article 32(1)(d): regular testing of the measures' effectiveness
        s.addAll(DpiaReport.effectiveness(f).statements());
        return s;
    }
}
