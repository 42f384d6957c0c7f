package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ClinicalRulesTest {

    /** The text of an example in the given case, without its « » marks, and the span they marked. */
    private record Marked(String text, int start, int end) {
        static Marked of(String example, java.util.function.UnaryOperator<String> casing) {
            int a = example.indexOf('«');
            int b = example.indexOf('»');
            String text = casing.apply(example.substring(0, a) + example.substring(a + 1, b) + example.substring(b + 1));
            return new Marked(text, a, b - 1);
        }
    }

    private static final List<java.util.Map.Entry<String, java.util.function.UnaryOperator<String>>> CASES = List.of(
            java.util.Map.entry("as written", s -> s), java.util.Map.entry("upper case", s -> s.toUpperCase(Locale.ROOT)),
            java.util.Map.entry("lower case", s -> s.toLowerCase(Locale.ROOT)));

    /** What the recogniser finds as the scanner runs it: through its prefilter and its regions only. */
    private static List<Recognizer.Candidate> run(Recognizer r, String text) {
        String lower = PiiScanner.lowerSameLength(text);
        if (!r.mayMatch(Recognizer.present(text), lower)) {
            return List.of();
        }
        return r.find(text, lower, r.windows(text, lower, new HashMap<>()));
    }

    /**
     * The one generic test: every rule finds exactly the marked span of each of its examples, and nothing in its
     * counterexamples, as written, in upper case and in lower case.
     */
    @TestFactory
    Stream<DynamicTest> everyRuleFindsItsExamplesAndNotItsCounterexamplesInEveryCase() {
        return ClinicalRecognizers.RULES.stream().flatMap(rule -> {
            Recognizer r = ClinicalRecognizers.recognizer(rule);
            return CASES.stream().flatMap(casing -> Stream.concat(
                    rule.examples().stream().map(e -> DynamicTest.dynamicTest(
                            rule.id() + " finds (" + casing.getKey() + "): " + e, () -> {
                                Marked m = Marked.of(e, casing.getValue());
                                assertThat(run(r, m.text())).as(m.text())
                                        .anyMatch(c -> c.start() == m.start() && c.end() == m.end()
                                                && c.type().equals(rule.type()) && c.score() == rule.score());
                            })),
                    rule.counterexamples().stream().map(e -> DynamicTest.dynamicTest(
                            rule.id() + " ignores (" + casing.getKey() + "): " + e, () -> {
                                String text = casing.getValue().apply(e);
                                assertThat(run(r, text)).as(text).isEmpty();
                            }))));
        });
    }

    @Test
    void theRulesCoverEverySafeHarborIdentifierTypeThisFileOwns() {
        assertThat(ClinicalRecognizers.RULES.stream().map(ClinicalRule::type).distinct())
                .contains("MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_NUMBER", "ACCOUNT_NUMBER", "LICENSE_NUMBER",
                        "MEDICAL_LICENSE", "VEHICLE_ID", "DEVICE_ID", "ID_NUMBER", "AGE", "DATE_TIME", "PHONE_NUMBER",
                        "ZIP_CODE");
        assertThat(PiiScanner.types()).contains("MEDICAL_RECORD_NUMBER", "VEHICLE_ID", "DEVICE_ID");
    }

    @Test
    void checkDigitsAcceptTheirCitedVectorsAndRejectTheirOneCharacterNeighbours() {
        assertThat(ClinicalChecksums.vin("1M8GDM9AXKP042788")).isTrue(); // check digit X
        assertThat(ClinicalChecksums.vin("1M8GDM9AXKP042789")).isFalse();
        assertThat(ClinicalChecksums.vin("1M8GDM9A1KP042788")).isFalse();
        assertThat(ClinicalChecksums.vin("1HGCM82633A004352")).isTrue();
        assertThat(ClinicalChecksums.vin("1HGCM82633A00435I")).isFalse(); // I is no VIN character
        assertThat(ClinicalChecksums.npi("1234567893")).isTrue(); // the CMS example
        assertThat(ClinicalChecksums.npi("1234567894")).isFalse();
        assertThat(ClinicalChecksums.dea("AB1234563")).isTrue();
        assertThat(ClinicalChecksums.dea("AB1234564")).isFalse();
        assertThat(ClinicalChecksums.dea("ZB1234563")).isFalse(); // Z is no registrant type
        assertThat(ClinicalChecksums.ageOver89("90")).isTrue();
        assertThat(ClinicalChecksums.ageOver89("89")).isFalse();
        assertThat(ClinicalChecksums.ageOver89("126")).isFalse();
    }

    @Test
    void aRuleWhoseScoreDoesNotFitItsStrengthIsRefusedWithItsId() {
        assertThatThrownBy(() -> new ClinicalRule("weak-but-loud", "ID_NUMBER", ClinicalRule.Strength.WEAK, 0.5,
                ClinicalRule.Validator.NONE, "", "x", "", List.of("x"), 0, false, 1, 0, List.of(), List.of(),
                List.of("«x»"), List.of("y"))).hasMessageContaining("weak-but-loud").hasMessageContaining("WEAK");
        assertThatThrownBy(() -> new ClinicalRule("guarded", "DATE_TIME", ClinicalRule.Strength.WEAK, 0.3,
                ClinicalRule.Validator.NONE, "", "x", "", List.of("x"), 0, false, 1, 0, List.of("bp"), List.of(),
                List.of("«x»"), List.of("y"))).hasMessageContaining("guard");
    }

    @Test
    void cuedValuesPassTheBalancedThresholdAndWeakOnesOnlyTheRecallThreshold() {
        PiiScanner balanced = new PiiScanner(java.util.Map.of(), 0.4, java.util.Set.of(), java.util.Set.of());
        PiiScanner recall = new PiiScanner(java.util.Map.of(), 0.25, java.util.Set.of(), java.util.Set.of());
        String cued = "MRN: 00123456, Acct #: 40012345678, seen on 3/4";
        assertThat(balanced.find(cued)).extracting(Recognizer.Candidate::type)
                .contains("MEDICAL_RECORD_NUMBER", "ACCOUNT_NUMBER", "DATE_TIME");
        String weak = "follow up 2/14 with cardiology";
        assertThat(balanced.find(weak)).noneMatch(c -> c.type().equals("DATE_TIME"));
        assertThat(recall.find(weak)).anyMatch(c -> c.type().equals("DATE_TIME")
                && weak.substring(c.start(), c.end()).equals("2/14"));
    }

    @Test
    void dosesVitalSignsAndDischargeAreNoDatesPhonesIdsOrZipCodesEvenInRecallMode() {
        PiiScanner recall = new PiiScanner(java.util.Map.of(), 0.25, java.util.Set.of(), java.util.Set.of());
        for (String text : List.of("BP 120/80 HR 72 T 98.6 O2 sat 95% RR 18", "tylenol 500 mg PO q6h x2",
                "STRENGTH 5/5 BILATERALLY, PAIN 7/10", "D5 1/2 NS AT 100 CC/HR", "DC FOLEY, DC IV FLUIDS",
                "2/6 SYSTOLIC MURMUR", "INTAKE 500-1000 ML", "lasix 40 mg IV bid, K 4.2, Mg 2.0")) {
            assertThat(recall.find(text)).as(text).noneMatch(c -> List.of("DATE_TIME", "PHONE_NUMBER", "ID_NUMBER",
                    "ZIP_CODE", "MEDICAL_RECORD_NUMBER", "ACCOUNT_NUMBER", "AGE").contains(c.type()));
        }
    }
}
