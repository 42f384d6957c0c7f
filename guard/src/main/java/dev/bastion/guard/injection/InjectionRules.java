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

    private InjectionRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        this.required = this.rules.stream().map(r -> RequiredLiterals.of(r.pattern())).toList();
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
