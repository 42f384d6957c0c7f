package dev.bastion.guard.injection;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Markers of three attack families that the public training collections hold too rarely for the bag of words to weigh
 * them (docs/injection-model.md, rounds seventeen and nineteen): an <em>instruction override</em> ("ignore ... the
 * rules", "set aside your guidelines"), <em>claimed authority</em> ("I am your developer", "authorised", "admin
 * access") and, since round nineteen, <em>permission framing</em>: a hypothetical frame that grants the reader
 * permission or removes its rules ("imagine you were allowed to", "pretend there are no restrictions").
 *
 * <p>A marker decides nothing on its own. {@link InjectionScanner} uses a marked user message only to judge it at the
 * model's own threshold when a route's threshold is laxer (round seventeen's declared change), so at the model's own
 * threshold, where the leave-one-source-out figures are taken, no decision changes. A family is kept only if its
 * marker is (nearly) absent from the benign training collections (at most 0.1% of their 11,624 texts: override 0,
 * authority 2); hypothetical or fictional framing ("imagine", "hypothetically") marks 10% of them, most of all benign
 * role-play ("Imagine you are a tour guide ..."), and is not a marker (round seventeen, candidate one); only the frame
 * together with a grant of permission is (round nineteen).
 *
 * <p>The patterns are round seventeen's diagnosis rule, written from the public collections' wording before it was
 * applied to any check; they run with RE2 (linear time) over lower-cased text. Immutable and thread-safe.
 */
public final class FamilyMarkers {
    /** One attack family and its marker. */
    public record Family(String id, Pattern pattern) {
        public Family {
            if (id == null || id.isBlank() || pattern == null) {
                throw new IllegalArgumentException("a family needs an id and a pattern");
            }
        }
    }

    /** An instruction to ignore or override the reader's instructions or rules (also a carried cue). */
    static final Family OVERRIDE = new Family("override", Pattern.compile(
            "\\b(?:ignore|disregard|forget|override|bypass|set aside)\\b.{0,40}\\b(?:instructions?|rules?"
                    + "|guidelines?|directives?|prompts?|programming|polic(?:y|ies)|restrictions?)\\b",
            Pattern.DOTALL));

    static final List<Family> FAMILIES = List.of(
            OVERRIDE,
            new Family("authority", Pattern.compile(
                    "\\b(?:i am|i'm|this is) (?:your|the|an?) (?:developer|creator|admin|administrator|owner|operator"
                            + "|engineer|supervisor|system administrator)\\b"
                            + "|\\bauthori[sz](?:ed|ation)\\b|\\bclearance\\b"
                            + "|\\b(?:admin|administrator|developer|root|sudo) (?:access|mode|privileges?|override|command)\\b"
                            + "|\\bon behalf of (?:openai|anthropic|the developers?)\\b"
                            + "|\\b(?:openai|anthropic) (?:staff|team|employee)")),
            // Round nineteen: a frame that grants the reader permission or removes its rules (not the bare frame).
            new Family("permission", Pattern.compile(
                    "\\b(?:imagine|pretend|suppose|hypothetically|hypothetical|let's say|in a world where|act as if)\\b"
                            + ".{0,80}?(?:\\byou(?: were| are| had been| have been|'re) (?:now )?(?:allowed|permitted"
                            + "|authori[sz]ed|unrestricted|unfiltered|uncensored|without (?:any )?(?:rules|restrictions"
                            + "|filters|limits|guidelines))\\b|\\b(?:no|without(?: any)?) (?:rules|restrictions|filters"
                            + "|limits|guidelines|content polic(?:y|ies)|censorship)\\b)",
                    Pattern.DOTALL)));

    private FamilyMarkers() {
    }

    /** The first family whose marker occurs in {@code text} (any case), if any. */
    public static Optional<String> family(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (Family f : FAMILIES) {
            if (f.pattern().matcher(lower).find()) {
                return Optional.of(f.id());
            }
        }
        return Optional.empty();
    }

    /** Whether a normalised text or one of its decoded views carries a family marker. */
    static boolean marked(TextNormalizer.Normalized n) {
        if (family(n.text()).isPresent()) {
            return true;
        }
        for (String view : n.views()) {
            if (family(view).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
