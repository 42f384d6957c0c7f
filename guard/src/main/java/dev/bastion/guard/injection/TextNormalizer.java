package dev.bastion.guard.injection;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What an attacker hides, made visible: NFKC, invisible and zero-width characters and bidi controls removed, common
 * Cyrillic, Greek and Armenian look-alikes mapped to Latin, lower case. Besides the normalised text it returns extra
 * <em>views</em> to score: the text hidden in Unicode tag characters (U+E0020..U+E007E mirror printable ASCII and
 * are drawn by no renderer), base64 and hex runs decoded (when they decode to mostly printable text), the whole text
 * through rot13, and through a leetspeak map. Linear time; no regular expressions. Stateless and thread-safe.
 */
public final class TextNormalizer {
    private static final int MIN_ENCODED_RUN = 16;
    /** Tag text shorter than this is not scored on its own (an emoji flag carries 4 to 6 tag characters). */
    private static final int MIN_TAG_TEXT = 8;

    /** The normalised text, and decoded views of it (may be empty). */
    public record Normalized(String text, List<String> views, boolean hadHiddenCharacters) {
        public Normalized {
            views = List.copyOf(views);
        }
    }

    private TextNormalizer() {
    }

    public static Normalized normalize(String raw) {
        // The lunate sigma looks like c, but NFKC turns it into a final sigma: fold it first.
        String nfkc = Normalizer.normalize(raw.replace('ϲ', 'c').replace('Ϲ', 'C'), Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(nfkc.length());
        StringBuilder tagged = new StringBuilder();
        boolean hidden = false;
        for (int i = 0; i < nfkc.length(); ) {
            int c = nfkc.codePointAt(i);
            i += Character.charCount(c);
            if (c >= 0xE0020 && c <= 0xE007E) {
                tagged.append((char) (c - 0xE0000));
            }
            if (isInvisible(c)) {
                hidden = true;
                continue;
            }
            b.appendCodePoint(confusable(c));
        }
        String text = b.toString().toLowerCase(Locale.ROOT);
        List<String> views = new ArrayList<>();
        if (tagged.length() >= MIN_TAG_TEXT) {
            views.add(normalize(tagged.toString()).text());
        }
        decodeRuns(text, b.toString(), views);
        if (looksEncoded(text)) {
            views.add(rot13(text));
        }
        if (hasLeet(text)) {
            views.add(leet(text));
        }
        return new Normalized(text, views, hidden);
    }

    /**
     * {@code text} with every look-alike letter ({@link #confusable}, and the lunate sigma) mapped to its Latin twin,
     * case kept, when some word of it (a run of letters) mixes Latin letters with look-alikes: a disguised word, as
     * in a homoglyph attack. Otherwise {@code text} itself, so text written in Cyrillic or Greek stays as it is. One
     * character for one: the result has the length of {@code text}. This is what the embedding stage reads
     * ({@link InjectionScanner#embeddedPart}); the lexical models read {@link #normalize}, which folds every
     * look-alike.
     */
    public static String foldDisguised(String text) {
        if (!hasDisguisedWord(text)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            b.append((char) lookAlike(text.charAt(i)));
        }
        return b.toString();
    }

    /** Whether a run of letters of {@code text} holds both a Latin letter and a look-alike of one. */
    static boolean hasDisguisedWord(String text) {
        boolean latin = false;
        boolean lookAlike = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isLetter(c)) {
                latin = false;
                lookAlike = false;
                continue;
            }
            latin |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            lookAlike |= lookAlike(c) != c;
            if (latin && lookAlike) {
                return true;
            }
        }
        return false;
    }

    private static int lookAlike(char c) {
        return c == 'ϲ' ? 'c' : c == 'Ϲ' ? 'C' : confusable(c);
    }

    static boolean isInvisible(int c) {
        return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
                || c == 0xFEFF || c == 0x00AD || c == 0x034F || c == 0x180E || (c >= 0xE0000 && c <= 0xE007F)
                || (c >= 0xFE00 && c <= 0xFE0F) || c == 0x115F || c == 0x1160 || c == 0x3164;
    }

    /** Look-alike letters from Cyrillic and Greek to their Latin twins (the frequent ones in homoglyph attacks). */
    static int confusable(int c) {
        return switch (c) {
            case 'а' -> 'a'; case 'е' -> 'e'; case 'о' -> 'o'; case 'р' -> 'p'; case 'с' -> 'c'; case 'у' -> 'y';
            case 'х' -> 'x'; case 'і' -> 'i'; case 'ј' -> 'j'; case 'ѕ' -> 's'; case 'һ' -> 'h'; case 'ԁ' -> 'd';
            case 'А' -> 'A'; case 'В' -> 'B'; case 'Е' -> 'E'; case 'К' -> 'K'; case 'М' -> 'M'; case 'Н' -> 'H';
            case 'О' -> 'O'; case 'Р' -> 'P'; case 'С' -> 'C'; case 'Т' -> 'T'; case 'Х' -> 'X'; case 'І' -> 'I';
            case 'α' -> 'a'; case 'ο' -> 'o'; case 'ρ' -> 'p'; case 'ν' -> 'v'; case 'τ' -> 't'; case 'ι' -> 'i';
            case 'κ' -> 'k'; case 'Α' -> 'A'; case 'Β' -> 'B'; case 'Ε' -> 'E'; case 'Ζ' -> 'Z'; case 'Η' -> 'H';
            case 'Ι' -> 'I'; case 'Κ' -> 'K'; case 'Μ' -> 'M'; case 'Ν' -> 'N'; case 'Ο' -> 'O'; case 'Ρ' -> 'P';
            case 'Τ' -> 'T'; case 'Υ' -> 'Y'; case 'Χ' -> 'X';
            // Less frequent look-alikes: Cyrillic ԛ ԝ ү ӏ Ѕ Ј Һ, Greek ϳ υ χ (and ϲ, above), Armenian օ ս հ, Latin ı ɡ ɑ.
            case 'ԛ' -> 'q'; case 'ԝ' -> 'w'; case 'ү' -> 'y'; case 'ӏ' -> 'l'; case 'Ѕ' -> 'S'; case 'Ј' -> 'J';
            case 'Һ' -> 'H'; case 'ϳ' -> 'j'; case 'υ' -> 'u'; case 'χ' -> 'x'; case 'օ' -> 'o';
            case 'ս' -> 'u'; case 'հ' -> 'h'; case 'ı' -> 'i'; case 'ɡ' -> 'g'; case 'ɑ' -> 'a';
            default -> c;
        };
    }

    /** Decodes base64 and hex runs of at least 16 characters found in {@code original} (case matters there). */
    private static void decodeRuns(String lower, String original, List<String> views) {
        int n = original.length();
        int i = 0;
        while (i < n) {
            int start = i;
            while (i < n && isBase64Char(original.charAt(i))) {
                i++;
            }
            if (i - start >= MIN_ENCODED_RUN) {
                String run = original.substring(start, i);
                if (isHex(run)) {
                    printable(hex(run)).ifPresent(views::add);
                } else {
                    printable(base64(run)).ifPresent(views::add);
                }
            }
            if (i == start) {
                i++;
            }
        }
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                || c == '=' || c == '-' || c == '_';
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return s.length() % 2 == 0;
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static byte[] base64(String s) {
        String t = s.replace('-', '+').replace('_', '/');
        int pad = t.indexOf('=');
        if (pad >= 0) {
            t = t.substring(0, pad);
        }
        try {
            return Base64.getDecoder().decode(t + "===".substring(0, (4 - t.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static java.util.Optional<String> printable(byte[] bytes) {
        if (bytes.length < 8) {
            return java.util.Optional.empty();
        }
        int good = 0;
        for (byte b : bytes) {
            if ((b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t') {
                good++;
            }
        }
        return good >= bytes.length * 0.9 ? java.util.Optional.of(new String(bytes, StandardCharsets.US_ASCII)
                .toLowerCase(Locale.ROOT)) : java.util.Optional.empty();
    }

    private static final java.util.Set<String> COMMON = java.util.Set.of("the", "and", "you", "to", "is", "a", "of",
            "in", "it", "for", "that", "i", "me", "my", "what", "how", "this", "be", "with", "are", "your", "on", "can");

    /** Few common English words among many words: rot13 (or another cipher) may hide the text. */
    static boolean looksEncoded(String text) {
        int total = 0;
        int common = 0;
        int n = text.length();
        int i = 0;
        while (i < n) { // each run of a-z is a word (no regex: this runs on every message)
            if (!lowerAscii(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && lowerAscii(text.charAt(i))) {
                i++;
            }
            total++;
            if (i - start <= 4 && COMMON.contains(text.substring(start, i))) { // the longest common word has 4
                common++;
            }
        }
        return total >= 4 && common * 20 < total;
    }

    private static boolean lowerAscii(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** Digits or symbols inside words, as leetspeak writes them. */
    static boolean hasLeet(String text) {
        int inside = 0;
        for (int i = 1; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7' || c == '@' || c == '$')
                    && Character.isLetter(text.charAt(i - 1)) && Character.isLetter(text.charAt(i + 1))) {
                inside++;
            }
        }
        return inside >= 2;
    }

    static String rot13(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) ('a' + (c - 'a' + 13) % 26);
            }
            b.append(c);
        }
        return b.toString();
    }

    static String leet(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(switch (c) {
                case '0' -> 'o'; case '1' -> 'i'; case '3' -> 'e'; case '4', '@' -> 'a'; case '5', '$' -> 's';
                case '7' -> 't'; case '|' -> 'l';
                default -> c;
            });
        }
        return b.toString();
    }
}
