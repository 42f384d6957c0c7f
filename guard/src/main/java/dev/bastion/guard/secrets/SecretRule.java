package dev.bastion.guard.secrets;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One kind of secret, as data: an RE2 pattern whose group {@code secret} (or the whole match) is the secret,
 * keywords that must appear (case-insensitive) before the pattern is even tried, an optional minimum Shannon
 * entropy of the secret in bits per character, an optional checksum, and examples that must match and
 * counterexamples that must not, which one generic test checks for every rule.
 *
 * @param id stable identifier, such as {@code github-token}
 * @param type finding type, upper snake case, such as {@code GITHUB_TOKEN}
 * @param pattern compiled RE2 pattern
 * @param keywords lower-case literals; at least one must occur in the text (empty: always try)
 * @param minEntropy minimum entropy of the secret, 0 for none
 * @param fixedEntropy whether minEntropy holds for values under a token name too; when false (the default), such a
 *     value is judged by the share of its alphabet's entropy instead ({@link ValueFilters#generatedShape}), which
 *     fits an assignment; a rule that reads a name and value out of prose keeps the fixed floor
 * @param score confidence of a match in (0, 1], or 0 to derive it from the checksum and entropy gate: a fixed
 *     vendor prefix scores high, a value assigned to a secret-named key lower, a bare string without context lowest
 * @param multiline whether a match can span lines (private key blocks); other rules run on keyword lines only
 * @param streamHold for streamed text, how many characters after one of its keywords a match of this rule may still be
 *     unfinished while holding whitespace (a key block, {@code machine .. login .. password ..}); 0 when a reported
 *     span is one whitespace-free token, settled once the token ends (see {@link SecretsScanner#settledBefore})
 * @param checksum how to validate the secret beyond its shape
 * @param examples texts that contain this secret
 * @param counterexamples texts that look close but must not match
 */
public record SecretRule(String id, String type, Pattern pattern, List<String> keywords, double minEntropy,
        boolean fixedEntropy, double score, boolean multiline, int streamHold, Checksum checksum, List<String> examples,
        List<String> counterexamples) {

    /** Validation a secret format carries in itself. */
    public enum Checksum {
        NONE,
        /** GitHub tokens: the last 6 characters are the CRC32 of the random part, in base62. */
        GITHUB_CRC32,
        /** Free-form values (passwords): refuse template placeholders, variables and one repeated character. */
        NOT_PLACEHOLDER,
        /** Base64 of {@code user:password} (HTTP Basic, Docker auths, .npmrc _auth): must decode to that shape. */
        BASE64_USER_PASSWORD,
        /** Base64 of a JWT (a token encoded once more for a header or a config): must decode to a JWT's shape. */
        BASE64_JWT
    }

    public SecretRule {
        Objects.requireNonNull(id, "id");
        if (!type.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("rule " + id + ": type must be UPPER_SNAKE_CASE");
        }
        Objects.requireNonNull(pattern, "pattern");
        keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        Objects.requireNonNull(checksum, "checksum");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("rule " + id + ": score must be in [0, 1]");
        }
        if (streamHold < 0) {
            throw new IllegalArgumentException("rule " + id + ": stream-hold must not be negative");
        }
        if (streamHold > 0 && keywords.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": stream-hold needs keywords to hold from");
        }
        examples = List.copyOf(examples);
        counterexamples = List.copyOf(counterexamples);
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + " has no examples; every rule carries its own evidence");
        }
    }
}
