package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CueIndexTest {

    private static final CueIndex INDEX = new CueIndex(Recognizers.ALL);

    /** Texts that hit and miss cues of every length, at the ends, overlapping, upper case and outside ASCII. */
    private static List<String> texts() {
        List<String> out = new ArrayList<>(List.of("", "a", "m", "/", "-", "7", "ZIP", "zi", "call me", "MRN: 1234567",
                "born on 3 March 1990", "Summary of the visit", "the Kelvin sign \u212a and \u0130stanbul", "y/o",
                "a/c 12345678", "pt is 92 yo", "Fax (617) 555-0100", "s/n AB-1234", "accession 99-1234",
                "in California 94105", "Licence no. D1234567", "may", "ma", "dec.", "Christmas Eve", "4th of July"));
        out.addAll(ScanEquivalenceTest.corpus(11L, 200));
        List<String> words = new ArrayList<>();
        for (String t : ScanEquivalenceTest.corpus(12L, 40)) {
            words.addAll(List.of(t.split(" ")));
        }
        out.addAll(words);
        return out;
    }

    @Test
    void answersExactlyAsEachRecognizersOwnContainsCheckOnEveryText() {
        int cued = 0;
        int hits = 0;
        for (String text : texts()) {
            String lower = PiiScanner.lowerSameLength(text);
            boolean[] present = Recognizer.present(text);
            boolean[] found = INDEX.hits(lower);
            for (int r = 0; r < Recognizers.ALL.size(); r++) {
                Recognizer rec = Recognizers.ALL.get(r);
                boolean expected = rec.mayMatch(present, lower);
                assertThat(INDEX.mayMatch(r, present, found)).as("%s on '%s'", rec.id(), text).isEqualTo(expected);
                if (!rec.cues().isEmpty()) {
                    cued++;
                    hits += expected ? 1 : 0;
                }
            }
        }
        assertThat(cued).as("recognisers with cues were asked").isGreaterThan(1000);
        assertThat(hits).as("both answers occur").isGreaterThan(100).isLessThan(cued);
    }

    @Test
    void windowKeyIsSharedExactlyByRecognizersWithEqualCuesAndMargin() {
        int shared = 0;
        for (int a = 0; a < Recognizers.ALL.size(); a++) {
            for (int b = 0; b < Recognizers.ALL.size(); b++) {
                Recognizer x = Recognizers.ALL.get(a);
                Recognizer y = Recognizers.ALL.get(b);
                boolean same = x.cues().equals(y.cues()) && x.cueMargin() == y.cueMargin();
                assertThat(INDEX.windowKey(a).equals(INDEX.windowKey(b))).as("%s and %s", x.id(), y.id())
                        .isEqualTo(same);
                shared += same && a != b && !x.cues().isEmpty() ? 1 : 0;
            }
        }
        assertThat(shared).as("some cued recognisers share their windows").isPositive();
    }

    @Test
    void cueWindowsUnderTheIndexKeyAreTheWindowsUnderTheListKey() {
        for (String text : texts()) {
            String lower = PiiScanner.lowerSameLength(text);
            java.util.Map<Object, int[]> byList = new java.util.HashMap<>();
            java.util.Map<Object, int[]> byIndex = new java.util.HashMap<>();
            for (int r = 0; r < Recognizers.ALL.size(); r++) {
                Recognizer rec = Recognizers.ALL.get(r);
                assertThat(rec.windows(text, lower, byIndex, INDEX.windowKey(r))).as("%s on '%s'", rec.id(), text)
                        .isEqualTo(rec.windows(text, lower, byList));
            }
        }
    }

    @Test
    void everyRecognizerWithAValueGroupSpellsItInItsPatternText() {
        int named = 0;
        for (Recognizer r : Recognizers.ALL) {
            // Recognizer.find asks the compiled pattern for group v; the pattern text is what the rules write
            boolean v = r.pattern().namedGroups().containsKey("v");
            assertThat(v).as(r.id()).isEqualTo(r.pattern().pattern().contains("(?P<v>"));
            named += v ? 1 : 0;
        }
        assertThat(named).isGreaterThan(10).isLessThan(Recognizers.ALL.size());
    }
}
