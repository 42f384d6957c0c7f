package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the documents a user pastes into a message for the assistant to work on ("summarise this review:
 * \"\"\"...\"\"\""): text the assistant reads as data, where an instruction aimed at it is an indirect prompt injection
 * just as it is in a tool result. Only text set apart by an explicit delimiter counts, because only then does the
 * message itself say where the user's own words end:
 * <ul>
 *   <li>triple quotes, {@code """..."""} or {@code '''...'''};</li>
 *   <li>fenced blocks: a line opening with three or more backticks or tildes, closed by a line of at least as many of
 *       the same character (Markdown's rule);</li>
 *   <li>a run of lines starting with {@code >} (a Markdown or e-mail quote);</li>
 *   <li>an XML-style element, {@code <document>...</document>}, {@code <email>...</email>}: any lower-case or
 *       upper-case tag name of letters, digits, {@code -} and {@code _}, outermost elements only.</li>
 * </ul>
 * A triple quote or fence that is never closed runs to the end of the message, so leaving out the closing delimiter
 * does not hide a document; an element that is never closed is not a document (a lone {@code <br>} is not one).
 * Blocks shorter than {@value #MIN_CHARS} characters are left out: a quoted word or a one-line snippet carries
 * no document. Blocks never overlap: the first delimiter found wins and scanning resumes after its block.
 *
 * <p>Linear in the text's length: each delimiter kind is found in one pass, closing tags through an index built once.
 * This class is stateless and thread-safe.
 */
public final class QuotedDocuments {
    /** Blocks with fewer characters than this (after trimming) are not documents. */
    public static final int MIN_CHARS = 40;
    private static final int MAX_TAG_NAME = 32;

    private QuotedDocuments() {}

    /**
     * One document inside a message: its characters {@code [start, end)} of the message, and its text, which is the
     * message's characters in that range except for a quote run, whose text has the leading {@code >} markers removed.
     *
     * @param start first character of the block's content, after the opening delimiter
     * @param end one past its last character, before the closing delimiter
     * @param text what a model reads as the document
     */
    public record Block(int start, int end, String text) {
        public Block {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("block range must satisfy 0 <= start <= end: " + start + ", " + end);
            }
            java.util.Objects.requireNonNull(text, "text");
        }
    }

    /** The documents in {@code message}, in order of position; empty when it holds none. */
    public static List<Block> in(String message) {
        List<Block> out = new ArrayList<>();
        Map<String, List<Integer>> closingTags = closingTags(message);
        int i = 0;
        int n = message.length();
        while (i < n) {
            char c = message.charAt(i);
            int next = i + 1;
            if ((c == '"' || c == '\'') && message.startsWith(tripled(c), i)) {
                String delimiter = tripled(c);
                int open = i + 3;
                int close = message.indexOf(delimiter, open);
                int end = close < 0 ? n : close;
                add(out, message, open, end);
                next = close < 0 ? n : close + 3;
            } else if ((c == '`' || c == '~') && atLineStart(message, i) && runLength(message, i, c) >= 3) {
                int run = runLength(message, i, c);
                int open = lineEnd(message, i) + 1;
                int close = fenceClose(message, Math.min(open, n), c, run);
                add(out, message, Math.min(open, n), close < 0 ? n : close);
                next = close < 0 ? n : lineEnd(message, close) + 1;
            } else if (c == '>' && atLineStart(message, i)) {
                int end = i;
                StringBuilder text = new StringBuilder();
                while (end < n && message.charAt(firstNonSpace(message, end)) == '>') {
                    int from = firstNonSpace(message, end) + 1;
                    int to = lineEnd(message, end);
                    text.append(message, Math.min(from, to), to).append('\n');
                    end = to + 1;
                    if (end >= n) {
                        break;
                    }
                }
                int stop = Math.min(end, n);
                if (text.toString().strip().length() >= MIN_CHARS) {
                    out.add(new Block(i, stop, text.toString()));
                }
                next = Math.max(stop, i + 1);
            } else if (c == '<') {
                int nameEnd = tagNameEnd(message, i + 1);
                if (nameEnd > i + 1 && nameEnd < n && message.charAt(nameEnd) == '>') {
                    String name = message.substring(i + 1, nameEnd);
                    int open = nameEnd + 1;
                    int close = firstAtOrAfter(closingTags.get(name), open);
                    if (close >= 0) {
                        add(out, message, open, close);
                        next = close + name.length() + 3;
                    }
                }
            }
            i = next;
        }
        return List.copyOf(out);
    }

    private static void add(List<Block> out, String message, int start, int end) {
        String text = message.substring(start, end);
        if (text.strip().length() >= MIN_CHARS) {
            out.add(new Block(start, end, text));
        }
    }

    private static String tripled(char c) {
        return c == '"' ? "\"\"\"" : "'''";
    }

    /** True when only spaces or tabs stand between the previous line break (or the text's start) and {@code i}. */
    private static boolean atLineStart(String s, int i) {
        for (int k = i - 1; k >= 0; k--) {
            char c = s.charAt(k);
            if (c == '\n') {
                return true;
            }
            if (c != ' ' && c != '\t') {
                return false;
            }
            if (i - k > 3) {
                return false; // Markdown: at most three spaces of indentation
            }
        }
        return true;
    }

    private static int runLength(String s, int i, char c) {
        int k = i;
        while (k < s.length() && s.charAt(k) == c) {
            k++;
        }
        return k - i;
    }

    /** The index of the line break ending the line that holds {@code i}, or the text's length. */
    private static int lineEnd(String s, int i) {
        int k = s.indexOf('\n', i);
        return k < 0 ? s.length() : k;
    }

    private static int firstNonSpace(String s, int i) {
        int k = i;
        while (k < s.length() - 1 && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
            k++;
        }
        return k;
    }

    /** The start of the line that closes a fence of {@code run} characters {@code c}, searching from {@code from}. */
    private static int fenceClose(String s, int from, char c, int run) {
        int line = from;
        while (line < s.length()) {
            int k = firstNonSpace(s, line);
            if (k - line <= 3 && runLength(s, k, c) >= run) {
                return line;
            }
            int end = lineEnd(s, line);
            if (end >= s.length()) {
                return -1;
            }
            line = end + 1;
        }
        return -1;
    }

    private static int tagNameEnd(String s, int from) {
        int k = from;
        while (k < s.length() && k - from < MAX_TAG_NAME) {
            char c = s.charAt(k);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                break;
            }
            k++;
        }
        return k;
    }

    /** Every closing tag {@code </name>} by name, positions ascending: one pass over the text. */
    private static Map<String, List<Integer>> closingTags(String s) {
        Map<String, List<Integer>> out = new HashMap<>();
        int i = s.indexOf("</");
        while (i >= 0) {
            int nameEnd = tagNameEnd(s, i + 2);
            if (nameEnd > i + 2 && nameEnd < s.length() && s.charAt(nameEnd) == '>') {
                out.computeIfAbsent(s.substring(i + 2, nameEnd), k -> new ArrayList<>()).add(i);
            }
            i = s.indexOf("</", Math.max(nameEnd, i + 2));
        }
        return out;
    }

    private static int firstAtOrAfter(List<Integer> positions, int from) {
        if (positions == null) {
            return -1;
        }
        int lo = 0;
        int hi = positions.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions.get(mid) < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < positions.size() ? positions.get(lo) : -1;
    }
}
