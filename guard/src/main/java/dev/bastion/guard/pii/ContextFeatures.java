package dev.bastion.guard.pii;

import java.util.List;

/**
 * The features of each word for the contextual classifier ({@link ContextModel}): the word's MiniLM vector, the
 * vectors of the word before and after (zero at the ends), and {@link #EXTRAS} cheap features of the word and its
 * text: capitalised, all capitals, lower-case start, has a digit, no letter or digit, first or last word of its line,
 * the text mixes cases, the text is mostly capitals, the type the first stage gave it (PERSON, LOCATION,
 * ORGANIZATION, STREET_ADDRESS, another type; all zero when the first stage is not used), and a word that is never a
 * name ({@code not-names.txt}). Stateless.
 */
final class ContextFeatures {
    static final int EXTRAS = 15;
    static final int DIM = 3 * TokenVectors.DIMENSIONS + EXTRAS;

    private ContextFeatures() {
    }

    /** One feature row per word, {@link #DIM} floats each; {@code names} are the first stage's spans or empty. */
    static float[][] rows(String text, TokenVectors.Words w, List<Recognizer.Candidate> names) {
        int n = w.size();
        int v = TokenVectors.DIMENSIONS;
        float[][] out = new float[n][DIM];
        int upper = 0;
        int lower = 0;
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            upper += Character.isUpperCase(c) ? 1 : 0;
            lower += Character.isLowerCase(c) ? 1 : 0;
        }
        float cased = upper > 0 && lower > 0 ? 1 : 0;
        float shouting = upper > 3 * lower ? 1 : 0;
        int[] stage = new int[n]; // 0 none, 1..4 TYPES, 5 another type
        for (Recognizer.Candidate c : names) {
            int type = ContextModel.TYPES.indexOf(c.type()) + 1;
            for (int i = 0; i < n; i++) {
                if (w.start()[i] < c.end() && c.start() < w.end()[i]) {
                    stage[i] = type == 0 ? 5 : type;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float[] r = out[i];
            System.arraycopy(w.vectors(), i * v, r, 0, v);
            if (i > 0) {
                System.arraycopy(w.vectors(), (i - 1) * v, r, v, v);
            }
            if (i + 1 < n) {
                System.arraycopy(w.vectors(), (i + 1) * v, r, 2 * v, v);
            }
            int e = 3 * v;
            String word = text.substring(w.start()[i], w.end()[i]);
            char first = word.charAt(0);
            boolean letters = false;
            boolean allUpper = word.length() > 1;
            boolean digit = false;
            for (int k = 0; k < word.length(); k++) {
                char c = word.charAt(k);
                letters |= Character.isLetterOrDigit(c);
                digit |= Character.isDigit(c);
                allUpper &= !Character.isLowerCase(c);
            }
            r[e] = Character.isUpperCase(first) ? 1 : 0;
            r[e + 1] = allUpper && Character.isLetter(first) ? 1 : 0;
            r[e + 2] = Character.isLowerCase(first) ? 1 : 0;
            r[e + 3] = digit ? 1 : 0;
            r[e + 4] = letters ? 0 : 1;
            r[e + 5] = i == 0 || text.substring(w.end()[i - 1], w.start()[i]).indexOf('\n') >= 0 ? 1 : 0;
            r[e + 6] = i + 1 == n || text.substring(w.end()[i], w.start()[i + 1]).indexOf('\n') >= 0 ? 1 : 0;
            r[e + 7] = cased;
            r[e + 8] = shouting;
            if (stage[i] > 0) {
                r[e + 8 + stage[i]] = 1;
            }
            r[e + 14] = SpanRules.notName(word.toLowerCase(java.util.Locale.ROOT)) ? 1 : 0;
        }
        return out;
    }
}
