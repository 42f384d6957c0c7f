package dev.bastion.guard.injection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule slots and {@code ruleFound} of {@link Features#of}, which skips a rule whose required literals are absent
 * ({@link RequiredLiterals}), equal those of running every rule's pattern over the text, as the feature pass did
 * before round sixteen: on every example and counterexample of every rule and every everyday fixture line.
 */
class PrefilterEquivalenceTest {
    private static final InjectionRules RULES = InjectionRules.builtIn();

    @Test
    void featuresWithThePrefilterEqualFeaturesFromEveryRulesSearch() {
        List<String> texts = new ArrayList<>();
        for (InjectionRules.Rule rule : RULES.rules()) {
            texts.addAll(rule.examples());
            texts.addAll(rule.counterexamples());
        }
        for (String f : List.of("everyday-turns.txt", "everyday-turns-round8.txt", "everyday-turns-round14.txt",
                "everyday-turns-round14b.txt")) {
            texts.addAll(lines(f));
        }
        int r = RULES.rules().size();
        int compared = 0;
        int ruleHits = 0;
        for (String raw : texts) {
            String s = TextNormalizer.normalize(raw).text();
            if (!Features.readsAsIs(s, InjectionModel.MAX_FEATURE_CHARS)) {
                continue; // the features read a squeezed copy; these texts are compared as they are
            }
            Features.Sparse f = Features.of(s, false, RULES, InjectionModel.MAX_FEATURE_CHARS, false);
            boolean[] quoted = Features.quotedSpans(s);
            boolean found = false;
            for (int i = 0; i < r; i++) {
                Matcher m = RULES.rules().get(i).pattern().matcher(s);
                boolean open = false;
                while (!open && m.find()) {
                    found = true;
                    open = !quoted[Math.min(m.start(), quoted.length - 1)];
                }
                assertThat(slot(f, Features.HASHED + i)).as(RULES.rules().get(i).id() + " on: " + raw)
                        .isEqualTo(open ? 1f : 0f);
                ruleHits += open ? 1 : 0;
            }
            assertThat(f.ruleFound()).as(raw).isEqualTo(found);
            compared++;
        }
        assertThat(compared).isGreaterThan(200);
        assertThat(ruleHits).isGreaterThan(20);
    }

    private static float slot(Features.Sparse f, int index) {
        for (int k = 0; k < f.index().length; k++) {
            if (f.index()[k] == index) {
                return f.value()[k];
            }
        }
        throw new AssertionError("no slot " + index);
    }

    private static List<String> lines(String resource) {
        return RequiredLiteralsTest.lines(resource);
    }
}
