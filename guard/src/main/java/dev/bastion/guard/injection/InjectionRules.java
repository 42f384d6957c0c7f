package dev.bastion.guard.injection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The injection rules of {@code rules.yaml}: RE2 patterns on normalised text, each with its examples. Immutable. */
public final class InjectionRules {

    /** One rule with its evidence. */
    public record Rule(String id, Pattern pattern, double weight, List<String> examples, List<String> counterexamples) {
        public Rule {
            examples = List.copyOf(examples);
            counterexamples = List.copyOf(counterexamples);
        }
    }

    /** A rule's first match in a text. */
    public record Hit(int rule, int start, int end) {
    }

    private final List<Rule> rules;
    /** Per rule, the literals it cannot match without ({@link RequiredLiterals}): checked before RE2/J runs. */
    private final List<RequiredLiterals.Condition> required;
    /** Every literal of every rule's condition, all looked for in one pass per text ({@link #literalsIn}). */
    private final dev.bastion.guard.LiteralSet literals;
    /** The conditions as one flat program over those literals' ids ({@link RequiredLiterals#compile}). */
    private final int[] program;
    /** Where rule i's condition starts in {@link #program}. */
    private final int[] programStart;

    private InjectionRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.required = this.rules.stream().map(r -> RequiredLiterals.of(r.pattern())).toList();
        java.util.Map<String, Integer> ids = new java.util.LinkedHashMap<>();
        List<Integer> code = new ArrayList<>();
        programStart = new int[this.rules.size()];
        for (int i = 0; i < programStart.length; i++) {
            programStart[i] = code.size();
            RequiredLiterals.compile(required.get(i), ids, code);
        }
        literals = new dev.bastion.guard.LiteralSet(List.copyOf(ids.keySet()));
        program = code.stream().mapToInt(Integer::intValue).toArray();
    }

    public static InjectionRules builtIn() {
        try (InputStream in = InjectionRules.class.getResourceAsStream("rules.yaml")) {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<Rule> rules = new ArrayList<>();
            for (JsonNode r : root.path("rules")) {
                List<String> ex = new ArrayList<>();
                r.path("examples").forEach(e -> ex.add(e.asText()));
                List<String> counter = new ArrayList<>();
                r.path("counterexamples").forEach(e -> counter.add(e.asText()));
                rules.add(new Rule(r.path("id").asText(), Pattern.compile(r.path("pattern").asText(), Pattern.DOTALL),
                        r.path("weight").asDouble(1), ex, counter));
            }
            return new InjectionRules(rules);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in injection rules", e);
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Whether rule {@code i} can match {@code text} at all: false when a literal the rule cannot match without is
     * absent (then its pattern need not run); true says only that the pattern must run.
     */
    boolean mayMatch(int i, String text) {
        return required.get(i).holds(text);
    }

    /**
     * Which of the rules' literals {@code text} contains, in one pass over it: the argument of
     * {@link #mayMatch(int, boolean[])} for every rule on that text.
     */
    boolean[] literalsIn(String text) {
        return literals.present(text);
    }

    /**
     * {@link #mayMatch(int, String)} for the text whose literals are {@code present} ({@link #literalsIn}): the same
     * answer, read from two flat arrays instead of each rule's tree of conditions and strings, which a gateway's
     * other work evicts from the caches between two requests (docs/benchmarks.md, gateway overhead, round eighteen).
     */
    boolean mayMatch(int i, boolean[] present) {
        return RequiredLiterals.holds(program, programStart[i], present);
    }

    /** The literal condition of rule {@code i} (for tests). */
    RequiredLiterals.Condition required(int i) {
        return required.get(i);
    }

    /** The first match of rule {@code i} in normalised {@code text}, if any. */
    public Optional<Hit> match(int i, String text) {
        if (!mayMatch(i, text)) {
            return Optional.empty();
        }
        Matcher m = rules.get(i).pattern().matcher(text);
        return m.find() ? Optional.of(new Hit(i, m.start(), m.end())) : Optional.empty();
    }
}
