package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failure types of issue 14 on text written for these tests (never held-out data): spans across line breaks
 * and headings, section words taken for people, clinical abbreviations taken for addresses and postcodes, upper-case
 * phrases taken for people, wrong boundaries, and noise on ordinary prompts.
 */
class DocumentStructureTest {

    private static final String NOTE = """
            # Discharge Note

            **Patient:** Maria Gonzalez
            **DOB:** 03/14/1962

            ## History
            Mrs. Gonzalez presented with shortness of breath.

            ## Medications
            - Lasix 40 mg PO daily
            - Lisinopril 10 mg daily

            ## Plan
            Follow up with Dr. Patel in 2 weeks.""";

    private static final String CAPS_NOTE = """
            NEURO: AOX3, MAE, FOLLOWS COMMANDS. NO ACUTE DISTRESS.
            CV: HR 88 SR, BP 120/80, NO ECTOPY.
            RESP: SPO2 98% ON 2L NC.
            GI: ABD SOFT NT/ND, +BS, TOLERATING PO.
            PLAN: DC FOLEY, CONT IVF @ 75, TYLENOL 650 MG PO Q6H PRN, HEPARIN SQ BID.""";

    private static List<Recognizer.Candidate> find(PiiMode mode, String text) {
        return PiiScanner.defaults(mode).find(text);
    }

    private static String covered(String text, Recognizer.Candidate c) {
        return text.substring(c.start(), c.end());
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void noNameSpanCrossesALineBreakInAMarkdownNote(PiiMode mode) {
        for (Recognizer.Candidate c : find(mode, NOTE)) {
            assertThat(covered(NOTE, c)).as(c.type()).doesNotContain("\n");
        }
        String heading = "## Admission Summary\nJohn Carter was admitted overnight with chest pain.";
        assertThat(find(mode, heading)).noneMatch(c -> covered(heading, c).contains("\n"))
                .anyMatch(c -> c.type().equals("PERSON") && covered(heading, c).equals("John Carter"));
        String status = "Status: resting comfortably\n# Allergies\nPenicillin (rash)";
        assertThat(find(mode, status)).noneMatch(c -> covered(status, c).contains("\n"))
                .noneMatch(c -> covered(status, c).contains("Allergies"));
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void sectionWordsAndHeadersAreNeverPeople(PiiMode mode) {
        String text = "Assessment:\nStable overnight.\n\nMedications:\nMetoprolol 25 mg BID\n\nPlan:\nContinue.\n"
                + "HISTORY\nIMPRESSION: improving";
        assertThat(find(mode, text)).noneMatch(c -> List.of("PERSON", "NRP", "ORGANIZATION").contains(c.type()));
        assertThat(find(mode, NOTE)).filteredOn(c -> c.type().equals("PERSON"))
                .extracting(c -> covered(NOTE, c)).containsExactlyInAnyOrder("Maria Gonzalez", "Gonzalez", "Patel");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void clinicalAbbreviationsAreNotAddressesPostcodesOrOrganisations(PiiMode mode) {
        List<Recognizer.Candidate> found = find(mode, CAPS_NOTE);
        assertThat(found).noneMatch(c -> List.of("STREET_ADDRESS", "ZIP_CODE", "ORGANIZATION").contains(c.type()));
        String dc = "DC foley today. Lasix 40 mg IV BID, Tylenol PRN.";
        assertThat(find(mode, dc)).isEmpty();
    }

    @Test
    void upperCasePhrasesAreNotPeopleInBalancedMode() {
        assertThat(find(PiiMode.BALANCED, CAPS_NOTE)).isEmpty();
        String wife = "PT SEEN WITH WIFE MARTHA AT BEDSIDE.";
        assertThat(find(PiiMode.BALANCED, wife)).extracting(c -> covered(wife, c)).containsExactly("MARTHA");
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void aNameAfterARequestVerbHasTheRightBoundaries(PiiMode mode) {
        for (String verb : List.of("Email", "Call", "Ask", "Tell")) {
            String text = verb + " John Miller at noon about the contract.";
            assertThat(find(mode, text)).filteredOn(c -> c.type().equals("PERSON"))
                    .extracting(c -> covered(text, c)).as(text).containsExactly("John Miller");
        }
        // a possessive ends the name
        String possessive = "We talked about how Tobias Lindqvist's character ends the film.";
        assertThat(find(mode, possessive)).extracting(c -> covered(possessive, c)).containsExactly("Tobias Lindqvist");
    }

    @Test
    void ordinaryPromptsAreNotFlaggedInBalancedMode() {
        for (String text : List.of(
                "Develop a C++ program that reads a text file line by line and counts the words.",
                "Imagine you are a time traveler from the year 3000. The first numbers are 0, -1, -1 and 2.",
                "If the endpoints of a line segment are (2, -2) and (10, 4), what is the length of the segment?",
                "Describe a vivid and unique character, using strong imagery.",
                "What's the best way of fixing a crack in my pipe?",
                "Keep the email short and to the point.",
                "Reformulate your earlier reply, output it in JSON format.",
                "In a survey, 58% of students liked blue, 45% preferred green.",
                "If C is the son of D, D is the father of E, E is the son of X, and X is the father of Y.")) {
            assertThat(find(PiiMode.BALANCED, text)).as(text).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(PiiMode.class)
    void realNamesPlacesAndAddressesStillCount(PiiMode mode) {
        String text = "Please send the invoice to Anna Kowalski, 42 Baker Street, London NW1 6XE.";
        List<Recognizer.Candidate> found = find(mode, text);
        assertThat(found).anyMatch(c -> c.type().equals("PERSON") && covered(text, c).equals("Anna Kowalski"));
        assertThat(found).anyMatch(c -> c.type().equals("STREET_ADDRESS")
                && covered(text, c).startsWith("42 Baker Street"));
        String lower = "hi, my name is anna kowalski and i live in krakow";
        assertThat(find(PiiMode.RECALL, lower)).anyMatch(c -> covered(lower, c).toLowerCase(Locale.ROOT)
                .contains("kowalski"));
    }
}
