package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.List;

/**
 * The passages of a document that are scored on their own when judging content the assistant reads: an instruction
 * addressed to the assistant is usually a line or a few sentences inside data, and in the features of the whole
 * document it is a few words among hundreds. Lines are joined into passages of at least {@link #MIN_CHARS}
 * characters (a blank line ends a passage early), so hard-wrapped prose and short list items are judged with their
 * neighbours, not as fragments; a passage longer than {@link #MAX_CHARS} is cut at sentence ends (a sentence longer
 * than that at a space). Passages of fewer than {@link #MIN_WORDS} words are dropped, and a document that is itself
 * one short passage yields none (the whole text is scored already). At most {@link #MAX_PASSAGES} passages: linear
 * in the text. Stateless.
 */
public final class ContentWindows {
    static final int MIN_CHARS = 100;
    static final int MAX_CHARS = 320;
    static final int MIN_WORDS = 4;
    static final int MAX_PASSAGES = 256;

    private ContentWindows() {
    }

    /** The passages of {@code text}, in order. */
    public static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        if (text.length() <= MAX_CHARS && text.indexOf('\n') < 0) {
            return out;
        }
        StringBuilder passage = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String l = line.strip();
            if (l.isEmpty() || passage.length() >= MIN_CHARS) {
                split(out, passage.toString());
                passage.setLength(0);
            }
            if (!l.isEmpty()) {
                passage.append(passage.isEmpty() ? "" : " ").append(l);
            }
        }
        split(out, passage.toString());
        return out.size() > MAX_PASSAGES ? new ArrayList<>(out.subList(0, MAX_PASSAGES)) : out;
    }

    /** Adds {@code p}, cut into pieces of at most {@link #MAX_CHARS} characters. */
    private static void split(List<String> out, String p) {
        int from = 0;
        while (from < p.length() && out.size() <= MAX_PASSAGES) {
            int to = p.length() - from > MAX_CHARS ? cut(p, from) : p.length();
            add(out, p.substring(from, to));
            from = to;
        }
    }

    /** The end of the piece starting at {@code from}: after the last sentence end, else the last space, in range. */
    private static int cut(String l, int from) {
        int limit = from + MAX_CHARS;
        for (int i = limit - 1; i > from + MAX_CHARS / 4; i--) {
            char c = l.charAt(i);
            if ((c == '.' || c == '!' || c == '?' || c == ';') && i + 1 < l.length() && l.charAt(i + 1) == ' ') {
                return i + 1;
            }
        }
        int space = l.lastIndexOf(' ', limit - 1);
        return space > from ? space + 1 : limit;
    }

    private static void add(List<String> out, String passage) {
        String p = passage.strip();
        if (words(p, MIN_WORDS) >= MIN_WORDS) {
            out.add(p);
        }
    }

    /** Words of a stripped passage separated by runs of spaces, counted up to {@code cap} (the result is at most cap). */
    static int words(String p, int cap) {
        if (p.isEmpty()) {
            return 0;
        }
        int words = 1;
        for (int i = 1; i < p.length() && words < cap; i++) {
            if (p.charAt(i) == ' ' && p.charAt(i - 1) != ' ') {
                words++;
            }
        }
        return words;
    }
}
