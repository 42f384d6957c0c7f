package dev.bastion.gateway.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.pii.ContextModel;
import dev.bastion.guard.pii.ContextStage;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pii.PiiScanner;
import dev.bastion.guard.pii.Recognizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped contextual model through the real MiniLM encoder, on sentences written for these tests where context
 * decides, and on the failure types of issue 14 (headings, section words and upper-case phrases taken for people,
 * spans across line breaks, a request verb swallowed into a name).
 */
class PiiContextStageTest {
    private static final MiniLmTokenVectors VECTORS = new MiniLmTokenVectors(1, 1);
    private static final ContextStage STAGE = new ContextStage(ContextStage.shippedModel(), VECTORS,
            ContextStage.DEFAULT_COMBINE);
    private static final PiiScanner BALANCED = PiiScanner.defaults(PiiMode.BALANCED).withContext(STAGE);
    private static final PiiScanner RECALL = PiiScanner.defaults(PiiMode.RECALL).withContext(STAGE);

    @AfterAll
    static void close() {
        VECTORS.close();
    }

    private static List<String> found(PiiScanner scanner, String text, String type) {
        return scanner.find(text).stream().filter(c -> c.type().equals(type))
                .map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void theShippedModelNamesItsSources() {
        String recipe = ContextStage.shippedModel().recipe();
        assertThat(recipe).contains("GUM").contains("WNUT-17").contains("generated").contains("sha256");
        assertThat(ContextModel.TYPES).containsExactly("PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS");
    }

    @Test
    void aLowerCaseNameIsFoundFromContextInRecallMode() {
        assertThat(found(RECALL, "call john smith tomorrow about the invoice", "PERSON")).contains("john smith");
    }

    @Test
    void anUpperCaseClinicalLineKeepsTheDoctorsName() {
        assertThat(String.join(" ", found(RECALL, "PT SEEN BY DR JONES THIS AM, PLAN UNCHANGED.", "PERSON")))
                .contains("JONES");
    }

    @Test
    void aProgrammingLanguageAndABandAreNotPlaces() {
        String text = "I learnt Python from a book and listened to the Beatles while doing it.";
        assertThat(found(BALANCED, text, "LOCATION")).isEmpty();
        assertThat(found(RECALL, text, "LOCATION")).isEmpty();
    }

    @Test
    void aRequestVerbIsNotPartOfTheNameAfterIt() {
        String text = "Email John Miller at the usual address about the contract renewal.";
        assertThat(found(BALANCED, text, "PERSON")).containsExactly("John Miller");
    }

    @Test
    void sectionHeadingsAndClinicalPhrasesAreNotPeople() {
        String note = "# Medications\nLasix 40 mg PO daily, DC heparin\n# Assessment\nNO ACUTE DISTRESS\n# Plan\n"
                + "Continue current regimen.";
        for (PiiScanner s : List.of(BALANCED, RECALL)) {
            assertThat(found(s, note, "PERSON")).isEmpty();
            assertThat(found(s, note, "ORGANIZATION")).isEmpty();
            assertThat(found(s, note, "ZIP_CODE")).isEmpty();
        }
    }

    @Test
    void noSpanOfANameTypeCrossesALineBreak() {
        String note = "Patient resting comfortably, seen with wife Maria\n# Allergies\nPenicillin\nMarkus Weber, RN";
        for (PiiScanner s : List.of(BALANCED, RECALL)) {
            for (Recognizer.Candidate c : s.find(note)) {
                if (!c.type().equals("STREET_ADDRESS")) {
                    assertThat(note.substring(c.start(), c.end())).as(c.type()).doesNotContain("\n");
                }
            }
        }
    }
}
