package dev.bastion.guard.pii;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One pattern recogniser: an RE2 pattern (linear time on any input), an optional validator run on the match with
 * separators removed, a base score, and context words that raise the score when they appear shortly before the
 * match. The reported span is the named group {@code v} when the pattern has one, else the whole match. Immutable.
 */
public record Recognizer(String id, String type, Pattern pattern, Predicate<String> validator, double score,
        List<String> context) {

    public Recognizer {
        context = List.copyOf(context);
        if (!(score > 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in (0, 1]");
        }
    }

    static Recognizer of(String id, String type, String regex, Predicate<String> validator, double score,
            String... context) {
        return new Recognizer(id, type, Pattern.compile(regex), validator, score, List.of(context));
    }

    /** A candidate span with its score before overlap resolution. */
    public record Candidate(String type, int start, int end, double score, String recognizer) {
    }

    private static final double CONTEXT_BOOST = 0.35;
    private static final int CONTEXT_WINDOW = 48;

    List<Candidate> find(String text, String lower) {
        List<Candidate> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            int start = m.start();
            int end = m.end();
            if (pattern.pattern().contains("(?P<v>") && m.start("v") >= 0) {
                start = m.start("v");
                end = m.end("v");
            }
            String value = text.substring(start, end);
            if (validator.test(strip(value))) {
                double s = score;
                if (!context.isEmpty() && hasContext(lower, start)) {
                    s = Math.min(1, s + CONTEXT_BOOST);
                }
                out.add(new Candidate(type, start, end, s, id));
            }
            from = m.end() > m.start() ? m.end() : m.end() + 1;
        }
        return out;
    }

    private boolean hasContext(String lower, int start) {
        String before = lower.substring(Math.max(0, start - CONTEXT_WINDOW), start);
        for (String c : context) {
            if (before.contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** The value without spaces, dots, dashes and slashes, as validators take it. */
    static String strip(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '\u00a0') {
                b.append(c);
            }
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }
}
