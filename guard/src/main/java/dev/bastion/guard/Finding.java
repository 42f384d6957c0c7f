package dev.bastion.guard;

import java.util.Objects;

/**
 * One thing a scanner found: its type, where it is, how sure the scanner is, and which scanner found it.
 *
 * <p>A finding never carries the matched text, so findings can be logged, counted and audited safely.
 * {@code segment} is the index of the text the scanner was given (for a chat request, the message index);
 * {@code start} and {@code end} are UTF-16 offsets within that text, end exclusive.
 *
 * @param type entity or issue type in upper snake case, Presidio's names where they exist (EMAIL_ADDRESS, ...)
 * @param segment index of the scanned text
 * @param start UTF-16 start offset
 * @param end UTF-16 end offset, exclusive; equal to start for findings about the whole text
 * @param score confidence in [0, 1]
 * @param scanner id of the scanner that produced it
 */
public record Finding(String type, int segment, int start, int end, double score, String scanner) {
    public Finding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scanner, "scanner");
        if (!type.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("finding type must be UPPER_SNAKE_CASE, got '" + type + "'");
        }
        if (segment < 0 || start < 0 || end < start) {
            throw new IllegalArgumentException("bad finding location: segment " + segment + ", span " + start + ".." + end);
        }
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0,1], got " + score);
        }
    }

    /** Whether this finding covers a span of text (as opposed to a property of the whole request). */
    public boolean hasSpan() {
        return end > start;
    }
}
