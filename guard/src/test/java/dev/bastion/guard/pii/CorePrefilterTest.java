package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A recogniser's core (a part every match of its pattern holds) only skips regions, never changes a finding: each
 * recogniser with a core finds exactly what the same recogniser without one finds, on the rule examples and
 * counterexamples and on a generated corpus. And a cue-less rule with a least run of letters and digits (vin-bare)
 * looks only at texts holding such a run, as its contract says, with the same findings.
 */
class CorePrefilterTest {

    private static List<String> texts() {
        List<String> out = new ArrayList<>();
        for (ClinicalRule rule : ClinicalRecognizers.RULES) {
            for (String e : rule.examples()) {
                String plain = e.replace("«", "").replace("»", "");
                out.addAll(List.of(plain, plain.toUpperCase(java.util.Locale.ROOT), plain.toLowerCase(java.util.Locale.ROOT)));
            }
            out.addAll(rule.counterexamples());
        }
        out.addAll(List.of("on 3/4 the pt", "admitted 2-14-2020 from home", "T 99 F orally", "pt is a 94 F",
                "12/05/1990 and 2024-03-15", "1.2.3", "4-5", "VIN 1M8GDM9AXKP042788", "ref_1HGCM82633A004352"));
        out.addAll(ScanEquivalenceTest.corpus(5L, 150));
        return out;
    }

    @Test
    void everyRecogniserWithACoreFindsWhatItFindsWithoutOne() {
        List<Recognizer> cored = Recognizers.ALL.stream().filter(r -> r.core() != r.pattern()).toList();
        assertThat(cored).as("the costly date and clinical rules have cores").hasSizeGreaterThan(5)
                .extracting(Recognizer::id).contains("date-numeric", "date-md-cue", "age-over-89-sex");
        int found = 0;
        for (Recognizer r : cored) {
            Recognizer bare = new Recognizer(r.id(), r.type(), r.pattern(), r.validator(), r.score(), r.context(),
                    r.needs(), r.cues(), r.minDigits(), r.cueMargin(), r.minRun(), r.pattern());
            for (String text : texts()) {
                String lower = PiiScanner.lowerSameLength(text);
                int[] windows = r.windows(text, lower, new HashMap<>());
                List<Recognizer.Candidate> expected = bare.find(text, lower, windows);
                assertThat(r.find(text, lower, windows)).as("%s on '%s'", r.id(), text).isEqualTo(expected);
                found += expected.size();
            }
        }
        assertThat(found).as("the comparison saw matches, not only skipped regions").isGreaterThan(100);
    }

    @Test
    void aCuelessRuleWithALeastRunLooksOnlyWhereSuchARunIs() {
        Recognizer vin = Recognizers.ALL.stream().filter(r -> r.id().equals("vin-bare")).findFirst().orElseThrow();
        assertThat(vin.minRun()).isEqualTo(17);
        assertThat(vin.windows("a short text, no long run", "a short text, no long run", new HashMap<>())).isEmpty();
        String car = "the car 1M8GDM9AXKP042788 was towed";
        assertThat(vin.windows(car, car.toLowerCase(java.util.Locale.ROOT), new HashMap<>()))
                .containsExactly(0, car.length());
        assertThat(vin.find(car, car.toLowerCase(java.util.Locale.ROOT), vin.windows(car, car.toLowerCase(
                java.util.Locale.ROOT), new HashMap<>()))).extracting(Recognizer.Candidate::start).containsExactly(8);
    }
}
