package dev.bastion.app.report;

import dev.bastion.gateway.config.Location;
import dev.bastion.gateway.config.RouteSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A draft data protection impact assessment (GDPR Article 35(7)): (a) the processing, (b) necessity and
 * proportionality, (c) risks, (d) the measures against them with their measured effectiveness from a red-team run.
 * Risks are derived from the configuration by fixed rules, listed in {@link #risks}.
 */
final class DpiaReport {
    private DpiaReport() {
    }

    static List<Section> sections(ReportFacts f) {
        List<Section> out = new ArrayList<>();
        out.add(CommonSections.scope(f));
        List<Statement> processing = new ArrayList<>(CommonSections.models(f));
        processing.add(Statement.of("Data categories the scanners saw in the period: "
                + AuditCounts.list(f.counts().entityTypes()) + ".", f.audit()));
        out.add(new Section("art35.7a", "(a) Description of the processing", processing,
                List.of("The purposes, the legitimate interest pursued if any, and the data subjects concerned.")));
        out.add(new Section("art35.7b", "(b) Necessity and proportionality", CommonSections.retention(f),
                List.of("Why sending this data to each model is necessary for the purpose.")));
        out.add(new Section("art35.7c", "(c) Risks to the rights and freedoms of data subjects", risks(f)));
        List<Statement> measures = new ArrayList<>(CommonSections.routes(f));
        measures.add(Statement.of("Refusals in the period show the controls acting: " + AuditCounts.list(
                f.counts().refusals()) + ".", f.audit()));
        out.add(new Section("art35.7d", "(d) Measures, safeguards and their measured effectiveness", measures));
        out.add(CommonSections.ledgers(f));
        out.add(CommonSections.modelBoms(f));
        out.add(effectiveness(f));
        out.add(CommonSections.activity(f));
        return out;
    }

    /**
     * The rules: a cloud model on a route without the pii scanner may receive personal data unredacted; one without
     * the secrets scanner may receive credentials; a route storing content keeps personal data at rest; a route
     * without output scanners passes answers unchecked; injection findings in the period show untrusted content.
     */
    static List<Statement> risks(ReportFacts f) {
        List<Statement> s = new ArrayList<>();
        List<RouteSettings> routes = f.config().routes();
        for (int i = 0; i < routes.size(); i++) {
            RouteSettings r = routes.get(i);
            String at = "routes[" + i + "]";
            boolean reachesCloud = !r.localOnly() && f.config().models().stream()
                    .anyMatch(m -> m.location() == Location.CLOUD && r.matches(m.name()));
            if (reachesCloud && !r.inputScanners().contains("pii")) {
                s.add(Statement.of("High: route " + r.name() + " sends requests to a cloud model without the pii "
                        + "scanner, so personal data may leave the machine unredacted.", CommonSections.config(
                        at + ".input-scanners"), CommonSections.config("models")));
            }
            if (reachesCloud && !r.inputScanners().contains("secrets")) {
                s.add(Statement.of("High: route " + r.name() + " sends requests to a cloud model without the secrets "
                        + "scanner, so credentials may leave the machine.", CommonSections.config(at + ".input-scanners")));
            }
            if (r.outputScanners().isEmpty()) {
                s.add(Statement.of("Medium: route " + r.name() + " runs no output scanner, so answers reach clients "
                        + "unchecked (leaked secrets, exfiltration links).", CommonSections.config(at + ".output-scanners")));
            }
            if (r.storage() == dev.bastion.gateway.config.Storage.CONTENT) {
                s.add(Statement.of("Medium: route " + r.name() + " keeps conversation content, encrypted, for "
                        + CommonSections.duration(r.contentRetention()) + ": a breach of the master key would expose it.",
                        CommonSections.config(at + ".storage"), CommonSections.config(at + ".content-retention")));
            }
        }
        long injection = f.counts().entityTypes().entrySet().stream()
                .filter(e -> e.getKey().toUpperCase(Locale.ROOT).contains("INJECTION")).mapToLong(e -> e.getValue()).sum();
        if (injection > 0) {
            s.add(Statement.of("Observed: " + injection + " prompt-injection findings in the period: clients send "
                    + "untrusted content through the gateway.", f.audit()));
        }
        long cloudModels = f.config().models().stream().filter(m -> m.location() == Location.CLOUD).count();
        s.add(Statement.of((s.isEmpty() ? "No risk rule fired" : s.size() + " risk rule(s) fired") + " over "
                + routes.size() + " routes and " + cloudModels + " cloud models of " + f.config().models().size() + ".",
                CommonSections.config("routes"), CommonSections.config("models")));
        return s;
    }

    /** How well the controls stopped attacks, from the saved red-team run. */
    static Section effectiveness(ReportFacts f) {
        if (f.redteam().isEmpty()) {
            return new Section("effectiveness", "Measured effectiveness (red team)", List.of(),
                    List.of("No red-team run was given: run bastion redteam against this gateway and pass its "
                            + "redteam.json with --redteam."));
        }
        RedteamFacts r = f.redteam().get();
        List<Statement> s = new ArrayList<>();
        s.add(Statement.of("Red-team run of " + r.created() + " against model " + r.target() + ": " + r.probes()
                + " probes, " + r.succeeded() + " succeeded through the gateway.", r.source()));
        r.bySuite().forEach((suite, n) -> s.add(Statement.of("Suite " + suite + ": " + (n[0] - n[1]) + " of " + n[0]
                + " stopped" + (n[2] >= 0 ? "; without Bastion " + (n[0] - n[2]) + " of " + n[0] + " stopped" : "")
                + ".", r.source())));
        return new Section("effectiveness", "Measured effectiveness (red team)", s);
    }
}
