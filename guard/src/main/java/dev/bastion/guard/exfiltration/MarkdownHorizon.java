package dev.bastion.guard.exfiltration;

import dev.bastion.guard.Scanner;

/**
 * Where a streamed answer's markdown links and images are settled, for {@link ExfiltrationScanner#settledBefore}.
 *
 * <p>A finding is a whole construct: {@code [text](url ...)} or {@code ![alt](url ...)}, or a reference definition
 * {@code [id]: url} at the start of a line. One is settled once the text shows it complete (its closing parenthesis,
 * the end of the URL) or impossible (a line break inside the brackets, a bracket followed by anything else). The
 * horizon is the start of the earliest construct still open, and never after the last word, which may still become
 * one ({@code !} before {@code [}); a line holding only up to three spaces is held too, as a definition may follow.
 */
final class MarkdownHorizon {
    /** The longest a construct can be under the scanner's pattern (500 + 1000 + 500 and the punctuation). */
    private static final int LONGEST = 2_100;

    private MarkdownHorizon() {
    }

    static int settledBefore(String text) {
        int end = text.length();
        int settled = Scanner.lastWordStart(text); // the last word may still grow into a construct
        int lineStart = text.lastIndexOf('\n') + 1;
        if (end - lineStart <= 3 && text.substring(lineStart).isBlank()) {
            settled = Math.min(settled, lineStart);
        }
        for (int i = text.indexOf('[', Math.max(0, end - LONGEST)); i >= 0; i = text.indexOf('[', i + 1)) {
            if (open(text, i)) {
                return Math.min(settled, start(text, i));
            }
        }
        return settled;
    }

    /** Where a match through the bracket at {@code i} would begin: its {@code !}, or its line for a definition. */
    private static int start(String text, int i) {
        if (i > 0 && text.charAt(i - 1) == '!') {
            return i - 1;
        }
        int line = text.lastIndexOf('\n', i - 1) + 1;
        return i - line <= 3 && text.substring(line, i).isBlank() ? line : i;
    }

    /** Whether the construct opened by the bracket at {@code i} may still become, or still grow into, a match. */
    private static boolean open(String text, int i) {
        int end = text.length();
        int close = i + 1;
        while (close < end && text.charAt(close) != ']' && text.charAt(close) != '\n') {
            close++;
        }
        if (close == end || close + 1 == end) {
            return true; // the brackets, or what follows them, have not arrived yet
        }
        if (text.charAt(close) == '\n') {
            return false;
        }
        char next = text.charAt(close + 1);
        if (next == '(') {
            return text.indexOf(')', close + 2) < 0;
        }
        if (next == ':') {
            int url = close + 2;
            while (url < end && Character.isWhitespace(text.charAt(url))) {
                url++;
            }
            int after = url;
            while (after < end && !Character.isWhitespace(text.charAt(after)) && text.charAt(after) != '>') {
                after++;
            }
            return after == end; // the URL has not started, or may still grow
        }
        return false;
    }
}
