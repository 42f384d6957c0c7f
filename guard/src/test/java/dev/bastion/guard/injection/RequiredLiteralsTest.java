package dev.bastion.guard.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.guard.injection.RequiredLiterals.All;
import dev.bastion.guard.injection.RequiredLiterals.AnyOf;
import dev.bastion.guard.injection.RequiredLiterals.Condition;
import dev.bastion.guard.injection.RequiredLiterals.Either;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequiredLiteralsTest {
    private static final InjectionRules RULES = InjectionRules.builtIn();

    @Test
    void aConcatenationNeedsEachOfItsLiteralRuns() {
        Condition c = RequiredLiterals.of("\\b(?:ignore|skip)\\b.{0,40}\\brules?\\b");
        assertThat(c).isEqualTo(new All(List.of(new AnyOf(List.of("skip", "ignore")), new AnyOf(List.of("rule")))));
        assertThat(c.holds("please ignore the rules")).isTrue();
        assertThat(c.holds("please ignore the dog")).isFalse();
        assertThat(c.holds("what are the rules")).isFalse();
    }

    @Test
    void optionalPartsAndSmallClassesMultiplyIntoExactStrings() {
        Condition c = RequiredLiterals.of("\\bfrom now on,? you (?:will|must)\\b|summari[sz]e");
        assertThat(c).isInstanceOf(AnyOf.class);
        assertThat(((AnyOf) c).literals()).containsExactlyInAnyOrder("from now on you will", "from now on you must",
                "from now on, you will", "from now on, you must", "summarise", "summarize");
    }

    @Test
    void anAlternationWithAnUnconstrainedBranchNeedsNothing() {
        assertThat(RequiredLiterals.of("abc|.{0,3}x*")).isEqualTo(Condition.ALWAYS);
        assertThat(RequiredLiterals.of("abc|d\\s+e")).isInstanceOf(Either.class);
        assertThat(RequiredLiterals.of("abc|d\\s+e").holds("d e")).isTrue();
        assertThat(RequiredLiterals.of("abc|d\\s+e").holds("ab")).isFalse();
    }

    @Test
    void syntaxTheAnalysisDoesNotKnowMakesTheRuleAlwaysRun() {
        for (String re : List.of("(?i)ignore", "\\pL+ignore", "ignore\\x41", "(?P<w>ignore)", "[[:alpha:]]ignore",
                "ignore{", "ignore(", "ignore)")) {
            assertThat(RequiredLiterals.of(re)).as(re).isEqualTo(Condition.ALWAYS);
        }
        assertThat(RequiredLiterals.of(com.google.re2j.Pattern.compile("ignore", com.google.re2j.Pattern.CASE_INSENSITIVE)))
                .isEqualTo(Condition.ALWAYS);
    }

    @Test
    void repeatsKeepTheirAtomsConditionOnlyWhenTheAtomMustOccur() {
        assertThat(RequiredLiterals.of("(?:abc)+").holds("xxabcxx")).isTrue();
        assertThat(RequiredLiterals.of("(?:abc)+").holds("xxabxx")).isFalse();
        assertThat(RequiredLiterals.of("(?:abc){2,}").holds("xabcx")).isTrue();
        assertThat(RequiredLiterals.of("(?:abc)*")).isEqualTo(Condition.ALWAYS);
        assertThat(RequiredLiterals.of("(?:abc){0,2}")).isEqualTo(Condition.ALWAYS);
        assertThat(RequiredLiterals.of("x[^a]y")).isEqualTo(new All(List.of(new AnyOf(List.of("x")), new AnyOf(List.of("y")))));
    }

    @Test
    void almostEveryBuiltInRuleHasACondition() {
        int withCondition = 0;
        for (int r = 0; r < RULES.rules().size(); r++) {
            withCondition += RULES.required(r) instanceof RequiredLiterals.Always ? 0 : 1;
        }
        // A rule written in syntax the analysis does not know still works (it always runs), it is only slower.
        assertThat(withCondition).isGreaterThanOrEqualTo(RULES.rules().size() * 4 / 5);
    }

    /**
     * The guarantee the scanner relies on: whenever a rule's pattern matches a text, the rule's condition holds, so
     * skipping the pattern when it fails changes nothing. Checked on every example and counterexample of every rule,
     * each of their prefixes and suffixes (where a match begins and ends), and every line of the everyday fixtures.
     */
    @Test
    void aRuleNeverMatchesATextItsConditionRejects() {
        List<String> texts = new ArrayList<>();
        for (InjectionRules.Rule rule : RULES.rules()) {
            texts.addAll(rule.examples());
            texts.addAll(rule.counterexamples());
        }
        for (String f : List.of("everyday-turns.txt", "everyday-turns-round8.txt", "everyday-turns-round14.txt",
                "everyday-turns-round14b.txt")) {
            texts.addAll(lines(f));
        }
        int matches = 0;
        int skipped = 0;
        for (String raw : texts) {
            String t = TextNormalizer.normalize(raw).text();
            List<String> pieces = new ArrayList<>(List.of(t));
            for (int i = 1; i < t.length(); i += 3) {
                pieces.add(t.substring(i));
                pieces.add(t.substring(0, i));
            }
            for (String p : pieces) {
                for (int r = 0; r < RULES.rules().size(); r++) {
                    boolean found = RULES.rules().get(r).pattern().matcher(p).find();
                    boolean holds = RULES.required(r).holds(p);
                    assertThat(!found || holds).as(RULES.rules().get(r).id() + " on: " + p).isTrue();
                    matches += found ? 1 : 0;
                    skipped += holds ? 0 : 1;
                }
            }
        }
        // The check means something only if both kinds of text were there.
        assertThat(matches).isGreaterThan(100);
        assertThat(skipped).isGreaterThan(1000);
    }

    @Test
    void aRuleMatchIsFoundExactlyAsWithoutTheCondition() {
        for (InjectionRules.Rule rule : RULES.rules()) {
            int i = RULES.rules().indexOf(rule);
            for (String e : rule.examples()) {
                String t = TextNormalizer.normalize(e).text();
                com.google.re2j.Matcher m = rule.pattern().matcher(t);
                assertThat(RULES.match(i, t).isPresent()).as(rule.id() + " on: " + e).isEqualTo(m.find());
            }
        }
    }

    /**
     * The flat program the scanner evaluates ({@link InjectionRules#mayMatch(int, boolean[])}, over one pass's
     * literals) answers exactly as each rule's condition tree on the text, on every piece of every example,
     * counterexample and everyday line (as above), and on conditions built by hand of every kind and depth.
     */
    @Test
    void theFlatProgramAnswersAsEachConditionTree() {
        List<String> texts = new ArrayList<>();
        for (InjectionRules.Rule rule : RULES.rules()) {
            texts.addAll(rule.examples());
            texts.addAll(rule.counterexamples());
        }
        for (String f : List.of("everyday-turns.txt", "everyday-turns-round8.txt", "everyday-turns-round14.txt",
                "everyday-turns-round14b.txt")) {
            texts.addAll(lines(f));
        }
        int held = 0;
        int failed = 0;
        for (String raw : texts) {
            String t = TextNormalizer.normalize(raw).text();
            List<String> pieces = new ArrayList<>(List.of(t, raw));
            for (int i = 1; i < t.length(); i += 3) {
                pieces.add(t.substring(i));
                pieces.add(t.substring(0, i));
            }
            for (String p : pieces) {
                boolean[] present = RULES.literalsIn(p);
                for (int r = 0; r < RULES.rules().size(); r++) {
                    boolean expected = RULES.required(r).holds(p);
                    assertThat(RULES.mayMatch(r, present)).as(RULES.rules().get(r).id() + " on: " + p).isEqualTo(expected);
                    assertThat(RULES.mayMatch(r, p)).isEqualTo(expected);
                    held += expected ? 1 : 0;
                    failed += expected ? 0 : 1;
                }
            }
        }
        assertThat(held).isGreaterThan(1000);
        assertThat(failed).isGreaterThan(1000);

        Condition nested = new Either(List.of(new All(List.of(new AnyOf(List.of("ab", "cd")), Condition.ALWAYS,
                new Either(List.of(new AnyOf(List.of("x")), new All(List.of(new AnyOf(List.of("yz")),
                        new AnyOf(List.of("ab")))))))), new AnyOf(List.of("q"))));
        java.util.Map<String, Integer> ids = new java.util.LinkedHashMap<>();
        List<Integer> code = new ArrayList<>();
        RequiredLiterals.compile(Condition.ALWAYS, ids, code);
        int second = code.size();
        RequiredLiterals.compile(nested, ids, code);
        int[] program = code.stream().mapToInt(Integer::intValue).toArray();
        List<String> literals = List.copyOf(ids.keySet());
        assertThat(literals).containsExactly("ab", "cd", "x", "yz", "q");
        for (String p : List.of("", "ab", "abx", "cd yz", "yzab", "q", "zy ba", "cdx", "ab yz", "xq")) {
            boolean[] present = new boolean[literals.size()];
            for (int id = 0; id < present.length; id++) {
                present[id] = p.contains(literals.get(id));
            }
            assertThat(RequiredLiterals.holds(program, 0, present)).isTrue();
            assertThat(RequiredLiterals.holds(program, second, present)).as(p).isEqualTo(nested.holds(p));
        }
    }

    /** The fixture lines of {@code resource}: no blanks, comments or [section] headers. Shared with PrefilterEquivalenceTest. */
    static List<String> lines(String resource) {
        try (InputStream in = RequiredLiteralsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#") && !(l.startsWith("[") && l.endsWith("]"))) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
