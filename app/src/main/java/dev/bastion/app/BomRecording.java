package dev.bastion.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bastion.models.bom.AssessmentRecords;
import dev.bastion.models.bom.ModelBom;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code bastion assess ... --record-bom FOLDER --signing-key KEY}: the run's metrics and verdict written into the
 * model folder's CycloneDX ML-BOM ({@value AssessmentRecords#FILE}, created from the folder when absent), then the
 * folder re-signed so the gate ({@code model-security.require-assessment}) can trust the record. Metrics with no
 * finite value are left out (the BOM carries numbers, never a feature value: the contract holds none).
 */
final class BomRecording {
    private BomRecording() {
    }

    /** Records {@code a} in {@code folder}'s BOM and re-signs the folder with {@code key}; returns the signature. */
    static Path record(Assessment a, Path folder, Path key) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("--record-bom needs a model folder (the signature must cover the "
                    + "BOM): " + folder + " is not a directory");
        }
        if (key == null) {
            throw new IllegalArgumentException("--record-bom needs --signing-key KEY to re-sign the model folder");
        }
        List<AssessmentRecords.Metric> metrics = new ArrayList<>();
        for (JsonNode m : a.root().path("metrics")) {
            if (!m.path("value").isNumber()) {
                continue;
            }
            String slice = String.join(" ", List.of(m.path("slice").asText(""), m.path("attack").asText(""),
                    m.has("at") ? "at " + m.path("at").asText() : "")).strip().replaceAll(" +", " ");
            JsonNode ci = m.path("ci");
            metrics.add(new AssessmentRecords.Metric(m.path("name").asText(), m.path("value").asDouble(), slice,
                    ci.size() == 2 ? new double[] {ci.get(0).asDouble(), ci.get(1).asDouble()} : null));
        }
        AssessmentRecords.Run run = new AssessmentRecords.Run(a.root().path("kind").asText(),
                a.root().path("verdict").path("result").asText(), metrics);
        Path bom = folder.resolve(AssessmentRecords.FILE);
        String current = Files.isRegularFile(bom) ? Files.readString(bom)
                : ModelBom.json(folder, ModelScanner.scan(folder), Optional.empty(), Clock.systemUTC());
        Files.writeString(bom, AssessmentRecords.record(current, run));
        Path sig = ModelSigning.defaultSignaturePath(folder);
        ModelSigning.sign(folder, ModelKeys.readPrivate(key), ModelKeys.publicFor(key), sig, List.of());
        return sig;
    }
}
