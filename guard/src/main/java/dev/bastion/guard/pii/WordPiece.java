package dev.bastion.guard.pii;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer, with the UTF-16 span of every piece in the original text, so that the vector
 * of a piece can be laid back on the characters it came from.
 *
 * <p>The steps are those of BERT's basic and WordPiece tokenizers (written from the description in Devlin et al.,
 * 2019, and the fields of a Hugging Face {@code tokenizer.json}): control characters and U+FFFD are dropped;
 * whitespace separates words; every punctuation character (ASCII symbols, or a Unicode P* category) and every CJK
 * ideograph is a word of its own; each character is lower-cased and its accents are stripped (NFD, then combining
 * marks dropped), character by character so that every output character still knows the input character it came
 * from. A word is then cut greedily, longest known prefix first, later pieces carrying the {@code ##} prefix; a word
 * longer than 100 characters or one that cannot be cut becomes a single {@code [UNK]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPiece {
    private static final int MAX_WORD = 100;

    private final Map<String, Integer> vocab;
    private final int unk;

    /** One cut text: piece ids, each piece's UTF-16 start and end, and the index of the word it belongs to. */
    public record Encoding(int[] ids, int[] start, int[] end, int[] word, int words) {
        public Encoding {
            if (ids.length != start.length || ids.length != end.length || ids.length != word.length || words < 0) {
                throw new IllegalArgumentException("piece arrays differ in length");
            }
        }

        public int size() {
            return ids.length;
        }
    }

    /**
     * @param vocabulary the pieces in id order (continuations carry {@code ##}); must contain {@code [UNK]}
     */
    public WordPiece(List<String> vocabulary) {
        Map<String, Integer> v = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            v.putIfAbsent(vocabulary.get(i), i);
        }
        Integer u = v.get("[UNK]");
        if (u == null) {
            throw new IllegalArgumentException("the vocabulary has no [UNK] piece");
        }
        this.vocab = Map.copyOf(v);
        this.unk = u;
    }

    /** The id of a special piece such as {@code [CLS]}, {@code [SEP]} or {@code [PAD]}. */
    public int id(String piece) {
        Integer i = vocab.get(piece);
        if (i == null) {
            throw new IllegalArgumentException("the vocabulary has no piece " + piece);
        }
        return i;
    }

    /** Cuts {@code text} into pieces (no [CLS]/[SEP]; the caller adds them per window). Never fails. */
    public Encoding encode(String text) {
        List<int[]> pieces = new ArrayList<>(); // {id, start, end, word}
        StringBuilder norm = new StringBuilder();
        List<Integer> from = new ArrayList<>(); // for each char of norm, the input index it came from
        List<Integer> to = new ArrayList<>();   // and the input index after that input character
        int words = 0;
        int i = 0;
        while (i <= text.length()) {
            int cp = i < text.length() ? text.codePointAt(i) : ' ';
            int n = i < text.length() ? Character.charCount(cp) : 1;
            boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            boolean alone = !space && (punctuation(cp) || cjk(cp));
            if ((space || alone) && !norm.isEmpty()) {
                words = word(norm, from, to, words, pieces);
            }
            if (i < text.length() && !space && !dropped(cp)) {
                int at = i;
                String folded = fold(cp);
                if (folded.isEmpty() && !to.isEmpty()) {
                    to.set(to.size() - 1, at + n); // a stripped accent belongs to the character before it
                }
                for (int k = 0; k < folded.length(); k++) {
                    norm.append(folded.charAt(k));
                    from.add(at);
                    to.add(at + n);
                }
                if (alone) {
                    words = word(norm, from, to, words, pieces);
                }
            }
            i += n;
        }
        int size = pieces.size();
        int[] ids = new int[size];
        int[] s = new int[size];
        int[] e = new int[size];
        int[] w = new int[size];
        for (int k = 0; k < size; k++) {
            int[] p = pieces.get(k);
            ids[k] = p[0];
            s[k] = p[1];
            e[k] = p[2];
            w[k] = p[3];
        }
        return new Encoding(ids, s, e, w, words);
    }

    /** Cuts the word in {@code norm} into pieces, clears it, and returns the next word index. */
    private int word(StringBuilder norm, List<Integer> from, List<Integer> to, int index, List<int[]> out) {
        String w = norm.toString();
        int first = out.size();
        boolean unknown = w.length() > MAX_WORD;
        int at = 0;
        while (!unknown && at < w.length()) {
            int end = w.length();
            Integer id = null;
            while (end > at) {
                String sub = at == 0 ? w.substring(0, end) : "##" + w.substring(at, end);
                id = vocab.get(sub);
                if (id != null) {
                    break;
                }
                end--;
            }
            if (id == null) {
                unknown = true;
            } else {
                out.add(new int[] {id, from.get(at), to.get(end - 1), index});
                at = end;
            }
        }
        if (unknown) {
            while (out.size() > first) {
                out.removeLast();
            }
            out.add(new int[] {unk, from.getFirst(), to.getLast(), index});
        }
        norm.setLength(0);
        from.clear();
        to.clear();
        return index + 1;
    }

    /** Lower case, then accents stripped (NFD without combining marks); may be empty (a lone combining mark). */
    static String fold(int cp) {
        String lower = new String(Character.toChars(Character.toLowerCase(cp)));
        String d = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder(d.length());
        for (int k = 0; k < d.length(); k++) {
            char c = d.charAt(k);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean dropped(int cp) {
        if (cp == 0 || cp == 0xFFFD) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT;
    }

    /** BERT's test: every non-alphanumeric ASCII symbol, and any Unicode punctuation category. */
    static boolean punctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean cjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
