package dev.bastion.guard.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HIPAA Safe Harbor identifier recognisers of {@code clinical-rules.yaml}: medical record, health plan,
 * account, licence, DEA and NPI numbers, vehicle and device identifiers, other identifiers after their cue, ages
 * over 89, clinical date forms, fax and pager numbers and ZIP codes after a state. Each rule becomes one
 * {@link Recognizer}; see docs/pii-hipaa.md for the mapping of Safe Harbor's list to entity types. Immutable.
 */
final class ClinicalRecognizers {
    private ClinicalRecognizers() {
    }

    /*
     * Guard words. RE2 has no look-around, so "5/5 strength" cannot be refused by a look-ahead. Instead the pattern
     * is an alternation whose first branches match the value together with a guard word before or after it and
     * have no group v; RE2 picks the leftmost match and, at one position, the first branch that matches, so a
     * guarded value is consumed by a guard branch. Recognizer reports the whole match when v did not take part,
     * and the validator (one that refuses letters; ClinicalRule checks this) refuses it for the guard word's
     * letters. The rule looks within a margin of its cue or digit, so the guard word lies in the region it scans.
     */
    private static final Map<String, String> MACROS = Map.of(
            // a number word or a colon, then Markdown emphasis or a table bar: "**MRN:** 123", "| MRN | 123 |"
            "{MARK}", "(?:(?:\\s{0,3}(?:number|num|nbr|no|#|identifier|id)\\.?){1,2}\\s{0,3}[:#=|-]?|\\s{0,3}[:#=|])"
                    + "[*_]{0,2}\\s{0,3}",
            "{NUM}", "(?:\\s{0,3}(?:number|num|nbr|no|#)\\.?){1,2}\\s{0,3}[:#=|-]?[*_]{0,2}\\s{0,3}",
            "{ID}", "[a-z]{0,4}-?\\d[a-z0-9-]{0,20}[a-z0-9]",
            "{M}", "(?:1[0-2]|0?[1-9])",
            "{D}", "(?:3[01]|[12]\\d|0?[1-9])",
            "{Y}", "(?:\\d{4}|\\d{2})",
            "{MON}", "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
                    + "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)");

    /**
     * A {@code before} piece longer than this (more than a plain {@code \b}) makes the rule's pattern costly
     * enough that looking for its value and after-part first pays (see {@link Recognizer#withCore}).
     */
    private static final int CHEAP_BEFORE = 2;

    static final List<ClinicalRule> RULES = load();

    static final List<Recognizer> ALL = RULES.stream().map(ClinicalRecognizers::recognizer).toList();

    /** The recogniser of one rule: its pattern with guard branches, its validator and its prefilter. */
    static Recognizer recognizer(ClinicalRule rule) {
        String main = rule.before() + "(?P<v>" + rule.value() + ")" + rule.after();
        String plain = rule.before() + "(?:" + rule.value() + ")" + rule.after();
        List<String> branches = new ArrayList<>();
        if (!rule.notBefore().isEmpty()) {
            branches.add("\\b(?:" + words(rule.notBefore()) + ")\\W{0,3}" + plain);
        }
        if (!rule.notAfter().isEmpty()) {
            branches.add(plain + "\\W{0,3}(?:" + words(rule.notAfter()) + ")\\b");
        }
        branches.add(main);
        String regex = "(?i)(?:" + String.join("|", branches) + ")";
        boolean digit = rule.value().contains("\\d");
        Recognizer r = Recognizer.of(rule.id(), rule.type(), digit ? Recognizer.DIGIT : "", regex,
                rule.validator().test, rule.score());
        if (rule.nearDigits()) {
            r = r.withCues(rule.margin(), "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        } else if (!rule.cues().isEmpty()) {
            r = r.withCues(rule.margin(), rule.cues().toArray(String[]::new));
        }
        r = r.minDigits(rule.minDigits());
        if (!branches.get(0).equals(main) || rule.before().length() > CHEAP_BEFORE) {
            // every branch holds plain, and plain ends with (?:value)after: a region without that cannot match
            r = r.withCore("(?i)(?:" + rule.value() + ")" + rule.after());
        }
        return rule.minRun() > 0 ? r.minRun(rule.minRun()) : r;
    }

    private static String words(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (!b.isEmpty()) {
                b.append('|');
            }
            for (char c : w.toCharArray()) {
                if (!Character.isLetterOrDigit(c) && c != ' ') {
                    b.append('\\');
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    static String expand(String piece) {
        String out = piece;
        // {SEP} holds {MARK}: expand it first
        out = out.replace("{SEP}", "(?:{MARK}|\\s{1,3})");
        for (Map.Entry<String, String> m : MACROS.entrySet()) {
            out = out.replace(m.getKey(), m.getValue());
        }
        if (out.contains("{")) {
            int at = out.indexOf('{');
            String rest = out.substring(at);
            if (rest.matches("(?s)\\{[A-Z]+\\}.*")) {
                throw new IllegalArgumentException("unknown macro " + rest.substring(0, rest.indexOf('}') + 1));
            }
        }
        return out;
    }

    private static List<ClinicalRule> load() {
        try (InputStream in = ClinicalRecognizers.class.getResourceAsStream("clinical-rules.yaml")) {
            if (in == null) {
                throw new IllegalStateException("clinical-rules.yaml is missing from the build");
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<ClinicalRule> rules = new ArrayList<>();
            for (JsonNode n : root.path("rules")) {
                String id = n.path("id").asText();
                try {
                    rules.add(new ClinicalRule(id, n.path("type").asText(null),
                            ClinicalRule.Strength.valueOf(n.path("strength").asText()), n.path("score").asDouble(),
                            ClinicalRule.Validator.valueOf(n.path("validator").asText("NONE")),
                            expand(n.path("before").asText("")), expand(n.path("value").asText()),
                            expand(n.path("after").asText("")), strings(n.path("cues")), n.path("margin").asInt(0),
                            n.path("near-digits").asBoolean(false), n.path("min-digits").asInt(1),
                            n.path("min-run").asInt(0), strings(n.path("not-before")), strings(n.path("not-after")),
                            strings(n.path("examples")), strings(n.path("counterexamples"))));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("clinical-rules.yaml, rule '" + id + "': " + e.getMessage(), e);
                }
            }
            return List.copyOf(rules);
        } catch (IOException e) {
            throw new UncheckedIOException("clinical-rules.yaml cannot be read", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : array) {
            out.add(s.asText());
        }
        return out;
    }
}
