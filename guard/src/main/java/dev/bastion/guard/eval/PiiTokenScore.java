package dev.bastion.guard.eval;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Token-level scoring the way presidio-research's TokenEvaluator does it (evaluation/base_evaluator.py and
 * token_evaluator.py, read for this): every token gets one label in IO form (no B/I distinction), gold types
 * mapped to "O" and predictions of types outside the kept set become "O", an error on a skip word is not counted
 * (a correct skip word still is), and the counts form a confusion over (gold, predicted) pairs. Per type, precision
 * is correct tokens over tokens predicted as that type and recall correct tokens over tokens annotated as it; the
 * overall "PII" figure ignores the type (a token annotated as anything and predicted as anything is a true
 * positive), as presidio-research's {@code pii_precision}/{@code pii_recall} do; the "typed" figure requires the
 * type to match. Tokens approximate spaCy's: whitespace-separated, with leading and trailing punctuation split off
 * (a final full stop stays on capitalised abbreviations of up to three letters: Mr., Dr., Apt.), and "'s" split. A token takes
 * the label of the span that covers most of its characters. Not thread-safe; one instance per evaluation.
 */
public final class PiiTokenScore {
    /**
     * How gold and predicted types are named and which are kept.
     *
     * @param name shown in the output
     * @param map type renamed before scoring (to "O" to drop it from gold and predictions alike)
     * @param skipWords whether errors on skip words are ignored
     */
    public record Mode(String name, Map<String, String> map, boolean skipWords) {
        public Mode {
            map = Map.copyOf(map);
        }

        /** The name {@code type} is scored under; "O" for none. */
        public String apply(String type) {
            return type == null ? "O" : map.getOrDefault(type, type);
        }
    }

    /** Bastion and the data name these the same thing differently: GPE is spaCy's word for a place. */
    public static final Map<String, String> NAMES = Map.of("GPE", "LOCATION", "URL", "DOMAIN_NAME");

    /** presidio-research's DATASET_TO_PRESIDIO_MAPPING for the Presidio analyzer (presidio_evaluator config). */
    public static final Map<String, String> PRESIDIO_MAPPING = Map.ofEntries(Map.entry("GPE", "LOCATION"),
            Map.entry("STREET_ADDRESS", "LOCATION"), Map.entry("NRP", "LOCATION"), Map.entry("TITLE", "O"),
            Map.entry("AGE", "O"), Map.entry("ZIP_CODE", "O"), Map.entry("URL", "DOMAIN_NAME"));

    /**
     * English function words and address/time words whose errors presidio-research skips. Ours, written after
     * its list (punctuation, "street", "apt", "mr.", "years", ... plus spaCy's English stop words); a subset of
     * the stop words, so slightly stricter than the original.
     */
    static final Set<String> SKIP = Set.of("'s", "street", "st.", "st", "de", "rue", "via", "and", "a", "an", "the",
            "or", "do", "as", "of", "day", "address", "country", "state", "city", "zip", "po", "apt", "unit",
            "corner", "p.o.", "box", "suite", "mr.", "mrs.", "miss", "year", "years", "y/o", "month", "months", "old",
            "morning", "noon", "afternoon", "night", "evening", "this", "first", "last", "week", "weeks", "weekend",
            "days", "age", "ago", "inc", "inc.", "ltd", "i", "me", "my", "we", "our", "you", "your", "he", "him",
            "his", "she", "her", "it", "its", "they", "them", "their", "is", "am", "are", "was", "were", "be", "been",
            "being", "have", "has", "had", "does", "did", "but", "if", "because", "until", "while", "at", "by",
            "for", "with", "about", "against", "between", "into", "through", "during", "before", "after", "above",
            "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "then", "once",
            "here", "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most",
            "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very", "can",
            "will", "just", "should", "now", "what", "which", "who", "whom", "that", "these", "those", "would",
            "could", "also", "please", "per", "us", "one", "two", "three", "call", "name");

    private final Mode mode;
    /** Token errors as presidio-research's ModelError lists them (gold -> predicted, token, context). */
    private final List<String> errors = new java.util.ArrayList<>();
    private final int maxErrors;
    /** (gold, predicted) -> tokens. */
    private final Map<String, Long> confusion = new TreeMap<>();

    /** A score that keeps no token errors. */
    public PiiTokenScore(Mode mode) {
        this(mode, 0);
    }

    /** A score that also keeps the first {@code maxErrors} token errors (they quote the text: for local use only). */
    public PiiTokenScore(Mode mode, int maxErrors) {
        if (maxErrors < 0) {
            throw new IllegalArgumentException("maxErrors cannot be negative");
        }
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        this.maxErrors = maxErrors;
    }

    /**
     * A labelled span: type and UTF-16 [start, end).
     *
     * @param type the entity type
     * @param start first character
     * @param end one past the last character
     */
    public record Span(String type, int start, int end) {
        public Span {
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("a span needs 0 <= start <= end, got [" + start + ", " + end + ")");
            }
        }
    }

    /** How types are named and kept in this score. */
    public Mode mode() {
        return mode;
    }

    /** The token errors kept so far, up to the number asked for. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Adds the token counts of {@code other} (scored under the same mode) to this one. */
    public void addAll(PiiTokenScore other) {
        other.confusion.forEach((k, v) -> confusion.merge(k, v, Long::sum));
    }

    /** Scores one text: its gold spans against the predicted ones. */
    public void add(String text, List<Span> gold, List<Span> predicted) {
        String[] g = labels(text, gold);
        String[] p = labels(text, predicted);
        for (int a = 0; a < text.length(); ) {
            if (Character.isWhitespace(text.charAt(a))) {
                a++;
                continue;
            }
            int b = a;
            while (b < text.length() && !Character.isWhitespace(text.charAt(b))) {
                b++;
            }
            for (int[] tok : split(text, a, b)) {
                String gl = mode.apply(label(g, tok[0], tok[1]));
                String pl = mode.apply(label(p, tok[0], tok[1]));
                boolean skip = mode.skipWords() && !gl.equals(pl) && isSkip(text.substring(tok[0], tok[1]));
                if (!skip) {
                    confusion.merge(gl + "\t" + pl, 1L, Long::sum);
                    if (!gl.equals(pl) && errors.size() < maxErrors) {
                        errors.add(gl + " -> " + pl + "\t" + text.substring(tok[0], tok[1]) + "\t| "
                                + text.substring(Math.max(0, tok[0] - 40), Math.min(text.length(), tok[1] + 40))
                                        .replace('\n', ' '));
                    }
                }
            }
            a = b;
        }
    }

    static boolean isSkip(String token) {
        String t = token.toLowerCase(java.util.Locale.ROOT).strip();
        return t.isEmpty() || (t.length() == 1 && !Character.isLetterOrDigit(t.charAt(0))) || SKIP.contains(t);
    }

    /** spaCy-like split of one whitespace-separated token [a, b). */
    static List<int[]> split(String text, int a, int b) {
        List<int[]> out = new java.util.ArrayList<>();
        List<int[]> tail = new java.util.ArrayList<>();
        while (a < b && "\"'([{<«“‘".indexOf(text.charAt(a)) >= 0) {
            out.add(new int[] {a, a + 1});
            a++;
        }
        while (b > a) {
            char c = text.charAt(b - 1);
            boolean abbreviation = c == '.' && b - a <= 4 && b - a >= 2 && Character.isUpperCase(text.charAt(a))
                    && text.substring(a, b - 1).chars().allMatch(Character::isLetter);
            if (",;:!?)]}>\"'»”’".indexOf(c) >= 0 || (c == '.' && !abbreviation)) {
                tail.add(0, new int[] {b - 1, b});
                b--;
            } else {
                break;
            }
        }
        if (b - a > 2 && text.regionMatches(true, b - 2, "'s", 0, 2)) {
            tail.add(0, new int[] {b - 2, b});
            b -= 2;
        }
        if (b > a) {
            out.add(new int[] {a, b});
        }
        out.addAll(tail);
        return out;
    }

    private static String[] labels(String text, List<Span> spans) {
        String[] l = new String[text.length()];
        for (Span s : spans) {
            for (int k = Math.max(0, s.start()); k < Math.min(text.length(), s.end()); k++) {
                l[k] = s.type();
            }
        }
        return l;
    }

    private static String label(String[] labels, int a, int b) {
        Map<String, Integer> n = new TreeMap<>();
        for (int k = a; k < b; k++) {
            if (labels[k] != null) {
                n.merge(labels[k], 1, Integer::sum);
            }
        }
        return n.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** {tp, predicted, annotated} for {@code type}, or for all types when null (typed or any-type). */
    public long[] counts(String type, boolean anyType) {
        long tp = 0;
        long predicted = 0;
        long annotated = 0;
        for (var e : confusion.entrySet()) {
            String[] gp = e.getKey().split("\t");
            long n = e.getValue();
            boolean gIn = type == null ? !gp[0].equals("O") : gp[0].equals(type);
            boolean pIn = type == null ? !gp[1].equals("O") : gp[1].equals(type);
            annotated += gIn ? n : 0;
            predicted += pIn ? n : 0;
            if (gIn && pIn && (anyType || gp[0].equals(gp[1]))) {
                tp += n;
            }
        }
        return new long[] {tp, predicted, annotated};
    }

    /** Every type seen in gold or predictions, except "O". */
    public java.util.SortedSet<String> types() {
        java.util.SortedSet<String> t = new java.util.TreeSet<>();
        for (String k : confusion.keySet()) {
            for (String x : k.split("\t")) {
                if (!x.equals("O")) {
                    t.add(x);
                }
            }
        }
        return t;
    }
}
