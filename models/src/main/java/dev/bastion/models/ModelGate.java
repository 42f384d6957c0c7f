package dev.bastion.models;

import dev.bastion.models.bom.AssessmentRecords;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.scan.ScanFinding;
import dev.bastion.models.scan.ScanReport;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The check before a model is loaded: scan it, then verify its signature if one is beside it (always) or demand
 * one (when the policy requires signatures). The outcome is a value the caller must handle; this never loads the
 * model. Stateless and thread-safe.
 */
public final class ModelGate {

    /**
     * The policy: whether a valid signature by one of {@code trustedKeys} is required, and which assessment kinds
     * must have a passing run recorded in the model folder's signed BOM ({@code model-security.require-assessment}).
     */
    public record Policy(boolean requireSignature, List<PublicKey> trustedKeys, List<String> requiredAssessments) {
        public Policy {
            trustedKeys = List.copyOf(trustedKeys);
            requiredAssessments = List.copyOf(requiredAssessments);
        }

        public Policy(boolean requireSignature, List<PublicKey> trustedKeys) {
            this(requireSignature, trustedKeys, List.of());
        }
    }

    /** Whether the model may be loaded, and why. */
    public sealed interface Admission {
        ScanReport scan();

        Optional<VerificationReport> signature();

        /** The model passed; {@code summary} says what was checked. */
        record Admitted(String summary, ScanReport scan, Optional<VerificationReport> signature) implements Admission {
        }

        /** The model must not be loaded; {@code reason} says why. */
        record Refused(String reason, ScanReport scan, Optional<VerificationReport> signature) implements Admission {
        }
    }

    private ModelGate() {
    }

    public static Admission check(Path model, Policy policy) throws IOException {
        if (!Files.exists(model)) {
            ScanReport none = new ScanReport(model.toString(), java.util.Map.of(), java.util.Map.of(), List.of());
            return new Admission.Refused("the model file " + model + " does not exist", none, Optional.empty());
        }
        ScanReport scan = ModelScanner.scan(model);
        Path signature = ModelSigning.defaultSignaturePath(model);
        Optional<VerificationReport> verification = Files.exists(signature)
                ? Optional.of(ModelSigning.verify(model, signature, policy.trustedKeys(), List.of()))
                : Optional.empty();
        if (!scan.safe()) {
            return new Admission.Refused("the scan failed: " + scan.findings().stream()
                    .filter(f -> f.severity() != ScanFinding.Severity.NOTE).map(ScanFinding::describe)
                    .collect(Collectors.joining("; ")), scan, verification);
        }
        if (verification.isPresent() && !verification.get().verified()) {
            return new Admission.Refused("its signature does not verify: " + verification.get().problems().stream()
                    .map(VerificationReport.Problem::describe).collect(Collectors.joining("; ")), scan, verification);
        }
        if (verification.isEmpty() && policy.requireSignature()) {
            return new Admission.Refused("it is not signed (no " + signature.getFileName() + ") and "
                    + "model-security.require-signature is on", scan, verification);
        }
        if (!policy.requiredAssessments().isEmpty()) {
            String kinds = String.join(", ", policy.requiredAssessments());
            if (verification.isEmpty() || !Files.isDirectory(model)) {
                return new Admission.Refused("model-security.require-assessment (" + kinds + ") needs a signed "
                        + "model folder whose " + AssessmentRecords.FILE + " records passing runs (bastion assess "
                        + "KIND --record-bom FOLDER --signing-key KEY)", scan, verification);
            }
            List<String> missing = AssessmentRecords.missing(model, policy.requiredAssessments());
            if (!missing.isEmpty()) {
                return new Admission.Refused("its signed BOM lacks passing assessment runs of: "
                        + String.join(", ", missing) + " (model-security.require-assessment)", scan, verification);
            }
        }
        return new Admission.Admitted("scan passed; " + verification.map(v -> "signature verified (key "
                + v.signer().orElse("?") + ")").orElse("unsigned"), scan, verification);
    }
}
