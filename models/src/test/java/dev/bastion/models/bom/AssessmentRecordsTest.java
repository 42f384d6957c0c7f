package dev.bastion.models.bom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.models.ModelGate;
import dev.bastion.models.scan.ModelScanner;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssessmentRecordsTest {
    @TempDir
    Path dir;

    private void recordAndSign(Path folder, AssessmentRecords.Run run, KeyPair k) throws Exception {
        Path bom = folder.resolve(AssessmentRecords.FILE);
        Files.writeString(bom, AssessmentRecords.record(Files.readString(bom), run));
        ModelSigning.sign(folder, k.getPrivate(), k.getPublic(), ModelSigning.defaultSignaturePath(folder), List.of());
    }

    private static String refusal(ModelGate.Admission a) {
        assertThat(a).isInstanceOf(ModelGate.Admission.Refused.class);
        return ((ModelGate.Admission.Refused) a).reason();
    }

    @Test
    void theGateAdmitsAModelOnlyOnceItsSignedBomRecordsPassingRunsOfEveryRequiredKind() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("m"));
        Files.writeString(folder.resolve("model.json"), "{\"format\":\"bastion-dp-model/1\",\"test_accuracy\":0.9,"
                + "\"privacy\":{\"epsilon\":\"inf\"},\"parameters\":[0.5,0.25]}");
        Files.writeString(folder.resolve(AssessmentRecords.FILE), ModelBom.json(folder, ModelScanner.scan(folder),
                Optional.empty(), Clock.systemUTC()));
        KeyPair k = ModelKeys.generate(SigningAlgorithm.ED25519);
        ModelSigning.sign(folder, k.getPrivate(), k.getPublic(), ModelSigning.defaultSignaturePath(folder), List.of());
        ModelGate.Policy policy = new ModelGate.Policy(false, List.of(k.getPublic()), List.of("membership",
                "fairness"));
        assertThat(ModelGate.check(folder, new ModelGate.Policy(false, List.of(k.getPublic()))))
                .isInstanceOf(ModelGate.Admission.Admitted.class);
        assertThat(refusal(ModelGate.check(folder, policy))).contains("lacks passing assessment runs of: membership, "
                + "fairness");

        recordAndSign(folder, new AssessmentRecords.Run("membership", "pass", List.of(new AssessmentRecords.Metric(
                "auc", 0.51, "all", new double[] {0.49, 0.53}))), k);
        assertThat(refusal(ModelGate.check(folder, policy))).contains("runs of: fairness").doesNotContain("membership");

        recordAndSign(folder, new AssessmentRecords.Run("fairness", "fail", List.of(new AssessmentRecords.Metric(
                "selection_rate", 0.11, "Female", null))), k);
        assertThat(refusal(ModelGate.check(folder, policy))).contains("runs of: fairness");

        recordAndSign(folder, new AssessmentRecords.Run("fairness", "pass", List.of(new AssessmentRecords.Metric(
                "selection_rate", 0.29, "Female", null))), k);
        assertThat(ModelGate.check(folder, policy)).isInstanceOf(ModelGate.Admission.Admitted.class);
        String bom = Files.readString(folder.resolve(AssessmentRecords.FILE));
        assertThat(bom).contains("assessment:membership:auc").contains("\"groupAtRisk\" : \"Female\"")
                .contains("fairnessAssessments").doesNotContain("0.11");
        assertThat(AssessmentRecords.verdicts(bom)).containsEntry("membership", "pass").containsEntry("fairness",
                "pass");

        // Editing a verdict without re-signing breaks the signature, and the gate refuses.
        Files.writeString(folder.resolve(AssessmentRecords.FILE), bom.replace("\"pass\"", "\"pass\" "));
        assertThat(refusal(ModelGate.check(folder, policy))).contains("signature does not verify");
    }

    @Test
    void anUnsignedModelIsRefusedUnderTheRequirementWithTheWayToRecordRuns() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("u"));
        Files.writeString(folder.resolve("model.json"), "{\"format\":\"bastion-dp-model/1\",\"parameters\":[1]}");
        assertThat(refusal(ModelGate.check(folder, new ModelGate.Policy(false, List.of(), List.of("membership")))))
                .contains("require-assessment (membership)").contains("--record-bom");
    }
}
