package dev.bastion.guard.pseudonym;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Puts original values back where a model's answer mentions their surrogates, in one text or in a stream of chunks.
 *
 * <p>What counts as a mention (decided for safety: each form maps back to exactly one entry of the caller's own
 * table, so nothing is restored that the table did not hand out):
 * <ul>
 *   <li>a tag surrogate in any case: {@code <PERSON_1>}, {@code <person_1>}; followed by anything, so
 *       {@code <PERSON_1>'s} keeps its possessive;</li>
 *   <li>a tag without brackets, {@code PERSON_1}, only in upper case and only as a whole word (so
 *       {@code PERSON_10} and a lower-case identifier {@code person_1} in code are left alone);</li>
 *   <li>a realistic surrogate in any case ({@code LENA FISCHER}, {@code lena fischer}), as a whole word; a
 *       surrogate of one plain word ({@code Lena}) only as given, capitalised or in upper case, so that a name that
 *       is also a word does not turn ordinary lower-case prose into the original.</li>
 * </ul>
 *
 * <p>In {@link Escaping#JSON_STRING} mode the text is the inside of JSON (tool-call arguments): surrogates are also
 * recognised when the model escaped some of their characters (the brackets as JSON unicode escapes, for
 * example), and originals are
 * written JSON-escaped, so the arguments stay valid JSON.
 *
 * <p>Streaming: {@link #push} returns what is safe to release and holds back only a tail that could still become a
 * mention (at most the longest surrogate, escaped); {@link #finish} releases the rest. Concatenating every output
 * equals restoring the concatenated input, whatever the chunk boundaries. Not thread-safe: one per stream.
 */
public final class Restorer {
    /** How the text is encoded. */
    public enum Escaping { NONE, JSON_STRING }

    private record Target(String form, boolean ignoreCase, boolean wholeWord, String original) {
    }

    /** Case-insensitive targets by their lower-case first character, case-sensitive ones by their first character. */
    private final Map<Character, List<Target>> byFirst = new HashMap<>();
    private final Map<Character, List<Target>> byExactFirst = new HashMap<>();
    private final Escaping escaping;
    private final StringBuilder pending = new StringBuilder();
    private char before = ' ';

    /** A restorer for the entries of {@code table} as they are now. */
    public Restorer(PseudonymTable table, Escaping escaping) {
        this.escaping = escaping;
        for (PseudonymTable.Entry e : table.entries()) {
            String s = e.surrogate();
            if (s.startsWith("<") && s.endsWith(">")) {
                add(new Target(s, true, false, e.value()));
                add(new Target(s.substring(1, s.length() - 1), false, true, e.value()));
            } else if (s.chars().allMatch(Character::isLetter)) {
                for (String form : new java.util.LinkedHashSet<>(List.of(s, s.toUpperCase(Locale.ROOT),
                        s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1)))) {
                    add(new Target(form, false, true, e.value()));
                }
            } else {
                add(new Target(s, true, true, e.value()));
            }
        }
    }

    private void add(Target t) {
        char first = t.form().charAt(0);
        if (t.ignoreCase()) {
            byFirst.computeIfAbsent(Character.toLowerCase(first), k -> new ArrayList<>()).add(t);
        } else {
            byExactFirst.computeIfAbsent(first, k -> new ArrayList<>()).add(t);
        }
    }

    /** Restores a whole text. */
    public static String restore(PseudonymTable table, String text, Escaping escaping) {
        if (table.isEmpty()) {
            return text;
        }
        Restorer r = new Restorer(table, escaping);
        return r.push(text) + r.finish();
    }

    /** Takes the next chunk; returns the restored text that is now final (possibly empty). */
    public String push(String chunk) {
        pending.append(chunk);
        return drain(false);
    }

    /** Ends the stream: returns everything still held back, restored. */
    public String finish() {
        return drain(true);
    }

    private static final int NO = -1;
    private static final int MORE = -2;

    private String drain(boolean last) {
        if (byFirst.isEmpty() && byExactFirst.isEmpty()) {
            String out = pending.toString();
            pending.setLength(0);
            return out;
        }
        StringBuilder out = new StringBuilder(pending.length());
        int i = 0;
        while (i < pending.length()) {
            long unit = decode(i);
            if (unit == MORE) {
                if (!last) {
                    break;
                }
                out.append(pending, i, pending.length());
                i = pending.length();
                break;
            }
            char c = (char) (unit >>> 32);
            int width = (int) unit;
            int bestEnd = NO;
            Target best = null;
            boolean waiting = false;
            for (int list = 0; list < 2; list++) {
                List<Target> candidates = list == 0 ? byFirst.get(Character.toLowerCase(c)) : byExactFirst.get(c);
                if (candidates == null) {
                    continue;
                }
                for (Target t : candidates) {
                    int end = match(t, i, last);
                    if (end == MORE) {
                        waiting = true;
                    } else if (end > bestEnd) {
                        bestEnd = end;
                        best = t;
                    }
                }
            }
            if (waiting) {
                break; // a mention may be completed by the next chunk
            }
            if (best != null) {
                out.append(escaping == Escaping.JSON_STRING ? jsonEscape(best.original()) : best.original());
                before = best.form().charAt(best.form().length() - 1);
                i = bestEnd;
            } else {
                out.append(pending, i, i + width);
                before = c;
                i += width;
            }
        }
        pending.delete(0, i);
        return out.toString();
    }

    /** The end of a mention of {@code t} starting at {@code at}, {@link #NO}, or {@link #MORE} if undecided yet. */
    private int match(Target t, int at, boolean last) {
        if (t.wholeWord() && isWord(before)) {
            return NO;
        }
        int p = at;
        for (int k = 0; k < t.form().length(); k++) {
            if (p >= pending.length()) {
                return last ? NO : MORE;
            }
            long unit = decode(p);
            if (unit == MORE) {
                return last ? NO : MORE;
            }
            char c = (char) (unit >>> 32);
            char want = t.form().charAt(k);
            boolean same = t.ignoreCase() ? Character.toLowerCase(c) == Character.toLowerCase(want) : c == want;
            if (!same) {
                return NO;
            }
            p += (int) unit;
        }
        if (t.wholeWord()) {
            if (p >= pending.length()) {
                return last ? p : MORE;
            }
            long next = decode(p);
            if (next == MORE) {
                return last ? p : MORE;
            }
            if (isWord((char) (next >>> 32))) {
                return NO;
            }
        }
        return p;
    }

    /** The character at {@code i} and how many chars of input encode it, packed; {@link #MORE} if cut off. */
    private long decode(int i) {
        char c = pending.charAt(i);
        if (escaping == Escaping.NONE || c != '\\') {
            return ((long) c << 32) | 1;
        }
        if (i + 1 >= pending.length()) {
            return MORE;
        }
        char e = pending.charAt(i + 1);
        if (e == 'u') {
            if (i + 6 > pending.length()) {
                return MORE;
            }
            try {
                char decoded = (char) Integer.parseInt(pending.substring(i + 2, i + 6), 16);
                return ((long) decoded << 32) | 6;
            } catch (NumberFormatException bad) {
                return ((long) c << 32) | 1;
            }
        }
        char decoded = switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            default -> e; // \" \\ \/
        };
        return ((long) decoded << 32) | 2;
    }

    private static boolean isWord(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** {@code s} as the inside of a JSON string. */
    public static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
