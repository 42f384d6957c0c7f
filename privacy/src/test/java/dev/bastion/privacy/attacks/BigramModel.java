package dev.bastion.privacy.attacks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A language model over ASCII whose next-token logits depend on the last token only, for the memorisation tests:
 * token 0 is the beginning of text, token c is the character c. Planted texts raise the logit of each of their
 * bigrams by a fixed margin (a model that has memorised them); the rest of the table is random noise.
 */
final class BigramModel implements NextTokenModel {
    static final int VOCAB = 128;

    private final float[][] table = new float[VOCAB][VOCAB]; // (previous token, next token)
    private final int[] held = new int[256];
    private int length;

    BigramModel(long seed, double noise, double margin, String... planted) {
        SplittableRandom r = new SplittableRandom(seed);
        for (float[] row : table) {
            for (int j = 0; j < VOCAB; j++) {
                row[j] = (float) (r.nextGaussian() * noise);
            }
        }
        boolean[][] raised = new boolean[VOCAB][VOCAB];
        for (String text : planted) {
            int[] t = encode(text);
            for (int i = 0; i + 1 < t.length; i++) {
                if (!raised[t[i]][t[i + 1]]) { // a bigram seen twice is raised once, as a bigram seen once
                    table[t[i]][t[i + 1]] += (float) margin;
                    raised[t[i]][t[i + 1]] = true;
                }
            }
        }
    }

    static int[] encode(String text) {
        int[] out = new int[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c >= VOCAB) {
                throw new IllegalArgumentException("not printable ASCII");
            }
            out[i + 1] = c;
        }
        return out;
    }

    @Override
    public int vocabularySize() {
        return VOCAB;
    }

    @Override
    public int capacity() {
        return held.length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int[] tokens() {
        return Arrays.copyOf(held, length);
    }

    @Override
    public float[] push(int token) {
        held[length++] = token;
        return table[token].clone();
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("bad length " + newLength);
        }
        length = newLength;
    }
}
