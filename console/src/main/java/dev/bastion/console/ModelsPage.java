package dev.bastion.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.audit.AuditLog;
import dev.bastion.gateway.api.Json;
import dev.bastion.gateway.config.ModelSettings;
import dev.bastion.models.ModelGate;
import dev.bastion.models.scan.ScanFinding;
import dev.bastion.models.signing.VerificationReport;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Models: each model of the gateway's registry (the configured models) with, for local model files, the
 * model-security check (admitted or refused), signature status and signer, scan result, a link to its CycloneDX
 * ML-BOM (a JSON download) and its custody events from the audit log (model.pull, model.scan, model.sign,
 * model.verify, model.bom from the command line; model.admitted, model.refused, model.loaded from the gateway).
 * Read-only for every console key. Custody events are admin records, so tenant-bound viewers do not see them.
 */
final class ModelsPage {
    /** Audit records read, newest first, when looking for custody events. */
    static final int CUSTODY_SCAN = 20_000;
    /** Custody events shown per model. */
    static final int CUSTODY_SHOWN = 20;
    private static final int SUBJECT_SHOWN = 300;

    private final Html html;
    private final List<ModelSettings> models;
    private final ModelChecks checks;
    private final AuditLog log;

    ModelsPage(Html html, List<ModelSettings> models, ModelChecks checks, AuditLog log) {
        this.html = html;
        this.models = List.copyOf(models);
        this.checks = checks;
        this.log = log;
    }

    void show(WebCall call, Viewer viewer) {
        boolean custodyShown = viewer.tenantScope().isEmpty();
        Map<String, List<Views.CustodyRow>> custody = custodyShown ? custody() : Map.of();
        List<Views.ModelEntry> entries = models.stream().map(m -> new Views.ModelEntry(row(m),
                custody.getOrDefault(m.name(), List.of()))).toList();
        call.html(200, html.render("models.jte", new Views.Models(new Views.Chrome("Models", "models",
                Optional.of(viewer)), entries, custodyShown)));
    }

    /** {@code GET /models/bom?name=N}: model N's ML-BOM as a JSON download (under the same headers as every page). */
    void bom(WebCall call, Viewer viewer) {
        Optional<ModelSettings> model = call.query("name").flatMap(n -> models.stream()
                .filter(m -> m.name().equals(n)).findFirst()).filter(m -> m.path().isPresent());
        if (model.isEmpty()) {
            call.json(404, "{\"error\":\"no local model of that name\"}");
            return;
        }
        Path path = model.get().path().get();
        if (!(checks.check(path) instanceof ModelChecks.Outcome.Checked checked)) {
            call.json(409, "{\"error\":\"the model could not be read\"}");
            return;
        }
        String bom;
        try {
            bom = checks.bom(path, checked.admission());
        } catch (IOException | RuntimeException e) {
            call.json(409, "{\"error\":\"the ML-BOM could not be made from the model's files\"}");
            return;
        }
        String file = model.get().name().replaceAll("[^A-Za-z0-9._-]", "_") + ".cdx.json";
        call.response().header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"");
        call.json(200, bom);
    }

    private Views.ModelRow row(ModelSettings m) {
        String location = m.location().name().toLowerCase(java.util.Locale.ROOT);
        if (m.path().isEmpty()) {
            return new Views.ModelRow(m.name(), m.backend(), location, "", "served upstream",
                    "no local file: signature and scan do not apply", "not applicable", "", "not applicable",
                    List.of(), false);
        }
        Path path = m.path().get();
        return switch (checks.check(path)) {
            case ModelChecks.Outcome.Unreadable u -> new Views.ModelRow(m.name(), m.backend(), location,
                    path.getFileName().toString(), "not checked", u.reason(), "unknown", "", "unknown", List.of(), false);
            case ModelChecks.Outcome.Checked c -> {
                ModelGate.Admission a = c.admission();
                Optional<VerificationReport> sig = a.signature();
                String signature = sig.map(v -> v.verified() ? "verified" : "failed").orElse("unsigned");
                String signer = sig.flatMap(VerificationReport::signer).map(s -> s + sig.flatMap(
                        VerificationReport::algorithm).map(alg -> " (" + alg.configName() + ")").orElse("")).orElse("");
                List<String> problems = new ArrayList<>();
                sig.ifPresent(v -> v.problems().forEach(p -> problems.add(p.describe())));
                a.scan().findings().stream().filter(f -> f.severity() != ScanFinding.Severity.NOTE)
                        .forEach(f -> problems.add(f.describe()));
                String scan = a.scan().safe() ? "passed (" + String.join(", ", a.scan().formats().values().stream()
                        .distinct().sorted().toList()) + ")" : "failed";
                yield switch (a) {
                    case ModelGate.Admission.Admitted ok -> new Views.ModelRow(m.name(), m.backend(), location,
                            path.getFileName().toString(), "admitted", ok.summary(), signature, signer, scan, problems, true);
                    case ModelGate.Admission.Refused no -> new Views.ModelRow(m.name(), m.backend(), location,
                            path.getFileName().toString(), "refused", no.reason(), signature, signer, scan, problems, true);
                };
            }
        };
    }

    /** Custody events by model name, newest first: records of action model.* naming the model or its path. */
    private Map<String, List<Views.CustodyRow>> custody() {
        Map<String, List<Views.CustodyRow>> out = new LinkedHashMap<>();
        long end = log.size();
        for (long i = end - 1; i >= 0 && i >= end - CUSTODY_SCAN; i--) {
            JsonNode r;
            try {
                r = Json.MAPPER.readTree(log.record(i));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            String action = r.path("action").asText("");
            if (!r.path("type").asText("").equals("admin") || !action.startsWith("model.")) {
                continue;
            }
            String subject = r.path("subject").asText("");
            for (ModelSettings m : models) {
                boolean names = subject.startsWith(m.name() + ": ") || m.path().map(p -> subject.contains(
                        p.toAbsolutePath().toString())).orElse(false);
                List<Views.CustodyRow> rows = out.computeIfAbsent(m.name(), n -> new ArrayList<>());
                if (names && rows.size() < CUSTODY_SHOWN) {
                    rows.add(new Views.CustodyRow(i, r.path("time").asText(""), action,
                            subject.length() > SUBJECT_SHOWN ? subject.substring(0, SUBJECT_SHOWN) + "…" : subject));
                }
            }
        }
        return out;
    }
}
