package dev.bastion.guard.pii;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One HIPAA Safe Harbor identifier rule, as data (from {@code clinical-rules.yaml}): RE2 pieces around the value,
 * the check the value must pass, the prefilter, guard words and the rule's own examples and counterexamples.
 * Checks itself: the score must fit the rule's strength, and guard words need a validator that refuses letters
 * (a guard match spans its guard word and must fail validation).
 *
 * @param id stable identifier, such as {@code mrn}
 * @param type entity type, such as {@code MEDICAL_RECORD_NUMBER}
 * @param strength how much evidence the rule has, which bounds its score
 * @param score the score of every match
 * @param validator the check of the value (separators removed, upper case)
 * @param before RE2 piece before the value (its cue), macros expanded
 * @param value RE2 piece of the value, the span reported; no capturing group of its own
 * @param after RE2 piece after the value
 * @param cues lower-case words, one of which must start a word near the match (empty: no word prefilter)
 * @param margin characters around a cue (or a digit, with {@code nearDigits}) the pattern looks in
 * @param nearDigits look only within {@code margin} of an ASCII digit
 * @param minDigits least digits in the digit cluster a cue-less rule looks in
 * @param minRun least run of letters and digits in the region a cue-less rule looks in (0: none)
 * @param notBefore words that, just before a match, make it no identifier
 * @param notAfter words that, just after a match, make it no identifier
 * @param examples texts holding the expected span between « and »
 * @param counterexamples texts in which the rule must find nothing
 */
record ClinicalRule(String id, String type, Strength strength, double score, Validator validator, String before,
        String value, String after, List<String> cues, int margin, boolean nearDigits, int minDigits, int minRun,
        List<String> notBefore, List<String> notAfter, List<String> examples, List<String> counterexamples) {

    /** The evidence a rule has; each admits a score range designed for the balanced (0.4) and recall (0.25) modes. */
    enum Strength {
        /** The value follows its cue word ("MRN:", "Acct #", "Fax"): reported in every mode. */
        CUE(0.6, 1.0),
        /** No cue, but a check digit: reported in balanced mode, below the cue'd rules. */
        CHECKSUM(0.4, 0.6),
        /** No cue, no check: a shape de-identification still wants, which only the recall mode reports. */
        WEAK(0.25, 0.4);

        final double min;
        final double max;

        Strength(double min, double max) {
            this.min = min;
            this.max = max;
        }
    }

    /** The check a value must pass; see {@link ClinicalChecksums}. */
    enum Validator {
        NONE(v -> true, false),
        IDENTIFIER(ClinicalChecksums::identifier, false),
        NUMERIC(ClinicalChecksums::numeric, true),
        VIN(ClinicalChecksums::vin, false),
        VIN_SHAPE(ClinicalChecksums::vinShape, false),
        NPI(ClinicalChecksums::npi, true),
        DEA(ClinicalChecksums::dea, false),
        AGE_OVER_89(ClinicalChecksums::ageOver89, true);

        final Predicate<String> test;
        /** Refuses every value holding a letter, so a guard match (which holds its guard word) always fails it. */
        final boolean digitsOnly;

        Validator(Predicate<String> test, boolean digitsOnly) {
            this.test = test;
            this.digitsOnly = digitsOnly;
        }
    }

    ClinicalRule {
        Objects.requireNonNull(id, "id");
        if (type == null || !type.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("clinical rule " + id + ": type must be UPPER_SNAKE_CASE");
        }
        Objects.requireNonNull(strength, "clinical rule " + id + ": strength");
        Objects.requireNonNull(validator, "clinical rule " + id + ": validator");
        if (score < strength.min || score > strength.max || (strength != Strength.CUE && score == strength.max)) {
            throw new IllegalArgumentException("clinical rule " + id + ": a " + strength + " rule scores in ["
                    + strength.min + ", " + strength.max + ")" + ", not " + score);
        }
        cues = List.copyOf(cues);
        notBefore = List.copyOf(notBefore);
        notAfter = List.copyOf(notAfter);
        examples = List.copyOf(examples);
        counterexamples = List.copyOf(counterexamples);
        if (value.contains("(?P<")) {
            throw new IllegalArgumentException("clinical rule " + id + ": the value piece must not name groups");
        }
        if ((!notBefore.isEmpty() || !notAfter.isEmpty()) && !validator.digitsOnly) {
            throw new IllegalArgumentException("clinical rule " + id + ": guard words need a validator refusing "
                    + "letters (NUMERIC, NPI or AGE_OVER_89), or a guard match would be reported");
        }
        if ((!notBefore.isEmpty() || !notAfter.isEmpty()) && cues.isEmpty() && !nearDigits) {
            throw new IllegalArgumentException("clinical rule " + id + ": guard words need cues or near-digits, so "
                    + "the region looked at holds the guard word too");
        }
        if (examples.isEmpty() || counterexamples.isEmpty()) {
            throw new IllegalArgumentException("clinical rule " + id + " needs examples and counterexamples; every "
                    + "rule carries its own evidence");
        }
        for (String e : examples) {
            int a = e.indexOf('«');
            int b = e.indexOf('»');
            if (a < 0 || b < a || e.indexOf('«', a + 1) >= 0) {
                throw new IllegalArgumentException("clinical rule " + id + ": each example marks one span with « »");
            }
        }
        if (margin < 0) {
            throw new IllegalArgumentException("clinical rule " + id + ": margin must be >= 0");
        }
    }
}
