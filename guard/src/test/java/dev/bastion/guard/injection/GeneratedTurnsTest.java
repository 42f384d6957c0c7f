package dev.bastion.guard.injection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedTurnsTest {

    @Test
    void theSameSeedGivesTheSameSixHundredDistinctTurns() {
        List<String> a = GeneratedTurns.conversation(600, 42);
        assertThat(a).hasSize(600).doesNotHaveDuplicates().isEqualTo(GeneratedTurns.conversation(600, 42));
        assertThat(GeneratedTurns.conversation(600, 7)).isNotEqualTo(a);
    }

    @Test
    void everyFamilyOfTurnIsPresentAndNoTurnIsAnInjectionByTheRules() {
        List<String> turns = GeneratedTurns.conversation(600, 42);
        assertThat(turns).anyMatch(t -> t.startsWith("Continue") || t.startsWith("Keep going"))
                .anyMatch(t -> t.startsWith("Don't") || t.startsWith("Stop"))
                .anyMatch(t -> t.contains("rules of"))
                .anyMatch(t -> t.startsWith("Ignore the"))
                .anyMatch(t -> t.endsWith("?"));
        // The turns are benign: the attack rules that carry the most weight must not fire on them.
        InjectionRules rules = InjectionRules.builtIn();
        for (String t : turns) {
            String n = t.toLowerCase(java.util.Locale.ROOT);
            for (InjectionRules.Rule r : rules.rules()) {
                if (List.of("ignore-previous", "persona-unrestricted", "dan-mode", "system-prompt-extraction")
                        .contains(r.id())) {
                    assertThat(r.pattern().matcher(n).find()).as(r.id() + " on: " + t).isFalse();
                }
            }
        }
    }
}
