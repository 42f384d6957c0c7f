package dev.bastion.app;

import java.util.Locale;

/**
 * How an evaluation re-cases its texts before scanning ({@code --case} of {@code bastion eval pii} and
 * {@code bastion eval clinical}): as written, all upper case (as many clinical notes are written) or all lower case
 * (as many chat prompts are typed). Each UTF-16 unit is mapped on its own with {@link Character#toUpperCase(char)} or
 * {@link Character#toLowerCase(char)}, so a re-cased text has the same length as the original and every gold span's
 * offsets still hold; a letter whose full case mapping changes length (German sharp s to "SS") keeps its one-unit
 * mapping instead, which the count of {@link #changedLength} reports for the data at hand.
 */
enum Recasing {
    AS_IS, UPPER, LOWER;

    /** The option value: {@code as-is}, {@code upper} or {@code lower}. */
    String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Recasing parse(String value) {
        for (Recasing r : values()) {
            if (r.optionName().equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("--case must be as-is, upper or lower, not \"" + value + "\"");
    }

    /** {@code text} re-cased unit by unit: always the same length as {@code text}. */
    String apply(String text) {
        if (this == AS_IS) {
            return text;
        }
        char[] out = text.toCharArray();
        for (int i = 0; i < out.length; i++) {
            out[i] = this == UPPER ? Character.toUpperCase(out[i]) : Character.toLowerCase(out[i]);
        }
        return new String(out);
    }

    /** True when the full (locale-free) case mapping of {@code text} would not keep its length. */
    boolean changedLength(String text) {
        return switch (this) {
            case AS_IS -> false;
            case UPPER -> text.toUpperCase(Locale.ROOT).length() != text.length();
            case LOWER -> text.toLowerCase(Locale.ROOT).length() != text.length();
        };
    }
}
