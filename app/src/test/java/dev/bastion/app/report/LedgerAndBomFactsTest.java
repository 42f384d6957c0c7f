package dev.bastion.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.models.bom.AssessmentRecords;
import dev.bastion.models.signing.ModelKeys;
import dev.bastion.models.signing.ModelSigning;
import dev.bastion.models.signing.SigningAlgorithm;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.ledger.Budget;
import dev.bastion.privacy.ledger.LedgerId;
import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcLedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privacy ledgers read from a real store, and a local model's ML-BOM facts read from a real signed folder. */
class LedgerAndBomFactsTest {
    @TempDir
    Path dir;

    @Test
    void everyLedgerIsListedWithItsBudgetSpentAndLeftAsTheConsoleComputesThem() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);
        try (Database db = Database.sqlite(dir.resolve("bastion.db"))) {
            JdbcLedgerStore store = new JdbcLedgerStore(db);
            var ledger = new dev.bastion.privacy.ledger.PrivacyLedger(store,
                    dev.bastion.privacy.accounting.Accounting.standard(), clock, (id, charge, after) -> { });
            LedgerId census = new LedgerId("census", LedgerId.ROW);
            ledger.setTotal(census, new Budget(3, 1e-6));
            ledger.charge(census, "count by region", List.of(new PrivacyEvent.PureDp(0.5)));
            ledger.charge(census, "mean age", List.of(new PrivacyEvent.Approximate(0.25, 1e-7)));
            LedgerId visits = new LedgerId("visits", LedgerId.ROW);
            ledger.setTotal(visits, new Budget(2, 1e-6));
            ledger.charge(visits, "histogram", List.of(new PrivacyEvent.PureDp(1)));
            assertThat(ledger.charge(visits, "too much", List.of(new PrivacyEvent.PureDp(5))))
                    .isInstanceOf(dev.bastion.privacy.ledger.PrivacyLedger.Outcome.Refused.class);

            LedgerFacts facts = LedgerFacts.read(store, clock);
            assertThat(facts.more()).isFalse();
            assertThat(facts.ledgers()).extracting(LedgerFacts.Ledger::dataset).containsExactly("census", "visits");
            LedgerFacts.Ledger c = facts.ledgers().getFirst();
            assertThat(c.epsilonTotal()).contains("3");
            assertThat(c.epsilonSpent()).isEqualTo("0.75");
            assertThat(c.epsilonLeft()).contains("2.25");
            assertThat(c.deltaTotal()).contains("1e-06");
            assertThat(c.deltaUsed()).isEqualTo("1e-07");
            assertThat(c.deltaLeft()).contains("9e-07");
            assertThat(c.charges()).isEqualTo(2);
            LedgerFacts.Ledger v = facts.ledgers().get(1);
            assertThat(v.describe()).startsWith("visits/row: epsilon 2 budget, 1 spent, 1 left; delta 1e-06 budget, "
                    + "0 used, 1e-06 left; 1 charge(s)");
        }
    }

    @Test
    void aSignedModelFolderReportsItsSignerBomHashesAndRecordedAssessmentsAndAnEditedBomIsNotCovered() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(model.resolve("weights.json"), "{\"w\": [1, 2, 3]}");
        String bom = """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model",
                 "name": "model", "hashes": [{"alg": "SHA-256", "content": "%s"}],
                 "properties": [{"name": "bastion:signer", "value": "earlier-key"}]}]}
                """.formatted("ab".repeat(32));
        bom = AssessmentRecords.record(bom, new AssessmentRecords.Run("fairness", "pass",
                List.of(new AssessmentRecords.Metric("gap", 0.02, "group a", null))));
        Files.writeString(model.resolve(AssessmentRecords.FILE), bom);
        Path pub = ModelKeys.write(dir.resolve("keys"), SigningAlgorithm.ED25519);
        ModelSigning.sign(model, ModelKeys.readPrivate(pub.resolveSibling(ModelKeys.PRIVATE_FILE)),
                ModelKeys.readPublic(pub), ModelSigning.defaultSignaturePath(model), List.of());

        ModelBomFacts f = ModelBomFacts.of(0, "local-m", model, List.of(ModelKeys.readPublic(pub)));
        assertThat(f.signature()).isEqualTo("verified");
        assertThat(f.signer()).hasValueSatisfying(s -> assertThat(s).endsWith("(ed25519)"));
        assertThat(f.modelSha256()).contains("ab".repeat(32));
        assertThat(f.bomSigner()).contains("earlier-key");
        assertThat(f.assessments()).containsEntry("fairness", "pass").hasSize(1);
        assertThat(f.metrics()).isEqualTo(1);
        assertThat(f.bomSha256()).hasValueSatisfying(h -> assertThat(h).hasSize(64));
        assertThat(f.describe()).contains("signature verified").contains("assessments fairness pass")
                .endsWith("the BOM is covered by the verified signature.");
        assertThat(f.sources()).extracting(Source::kind).contains(Source.Kind.MODEL);

        Files.writeString(model.resolve(AssessmentRecords.FILE), bom.replace("\"pass\"", "\"fail\""));
        ModelBomFacts edited = ModelBomFacts.of(0, "local-m", model, List.of(ModelKeys.readPublic(pub)));
        assertThat(edited.signature()).startsWith("does not verify");
        assertThat(edited.describe()).endsWith("the BOM is not covered by a verified signature.");
        assertThat(edited.bomSha256()).isNotEqualTo(f.bomSha256());

        ModelBomFacts none = ModelBomFacts.of(1, "bare", Files.createDirectories(dir.resolve("bare")), List.of());
        assertThat(none.signature()).isEqualTo("unsigned");
        assertThat(none.bomSha256()).isEqualTo(Optional.empty());
        assertThat(none.describe()).contains("no ML-BOM");
    }
}
