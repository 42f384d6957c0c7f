package dev.bastion.guard.pii;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A greedy left-to-right token tagger with BIO tags over {@link #TYPES}, scored by an averaged perceptron over
 * hashed features ({@link NameFeatures} plus the previous one and two tags). Decoding never emits I-X after
 * anything but B-X or I-X. The weights are immutable once loaded or trained, so tagging is thread-safe.
 *
 * <p>File format (gzip): the magic {@code BNM1}, the number of tags and their names (UTF), the recipe text (UTF),
 * then the number of features, and per feature its 64-bit hash, the number of non-zero weights and (tag byte,
 * IEEE 754 half-precision weight) pairs.
 */
final class NameModel {
    static final List<String> TYPES = List.of("PERSON", "LOCATION", "STREET_ADDRESS", "ORGANIZATION", "NRP", "TITLE",
            "ZIP_CODE");
    static final int TAGS = 1 + 2 * TYPES.size();
    private static final int DYNAMIC = 4;

    final FeatureTable weights;
    final String recipe;

    NameModel(FeatureTable weights, String recipe) {
        this.weights = weights;
        this.recipe = recipe;
    }

    /** Tag 0 is O; tag 1 + 2k is B of type k, 2 + 2k is I of type k. */
    static String tagName(int tag) {
        return tag == 0 ? "O" : (tag % 2 == 1 ? "B-" : "I-") + TYPES.get((tag - 1) / 2);
    }

    static boolean allowed(int prev, int tag) {
        return tag == 0 || tag % 2 == 1 || (prev != 0 && (prev - 1) / 2 == (tag - 1) / 2);
    }

    /** The tag of every token of {@code t}. */
    int[] tag(Tokens t) {
        return tag(t, new boolean[t.size]);
    }

    /** The tag of every token of {@code t}; tokens marked in {@code outside} are O (another recogniser owns them). */
    int[] tag(Tokens t, boolean[] outside) {
        int[][] look = NameFeatures.lookups(t);
        long[] f = new long[NameFeatures.STATIC + DYNAMIC];
        int[] tags = new int[t.size];
        float[] score = new float[TAGS];
        int[] slots = new int[f.length];
        for (int i = 0; i < t.size; i++) {
            if (outside[i] || (i == 0 || tags[i - 1] == 0) && plain(t, look[0], i)) {
                continue; // O without scoring: nothing starts at a plain lower-case word or punctuation
            }
            features(t, look, i, tags, f);
            tags[i] = best(f, i > 0 ? tags[i - 1] : 0, score, slots);
        }
        return tags;
    }

    /** A token no entity starts at: punctuation, or a lower-case word in no gazetteer. */
    static boolean plain(Tokens t, int[] gaz, int i) {
        return !t.isWord(i) || (t.startsLowerCase(i) && gaz[i] == 0);
    }

    void features(Tokens t, int[][] look, int i, int[] tags, long[] f) {
        NameFeatures.of(t, look[0], look[1], look[2], i, f);
        int p1 = i > 0 ? tags[i - 1] : -1;
        int p2 = i > 1 ? tags[i - 2] : -1;
        int k = NameFeatures.STATIC;
        f[k++] = NameFeatures.hash(40, p1);
        f[k++] = NameFeatures.hash(41, p1 * 64L + p2);
        f[k++] = NameFeatures.hash(42, p1 * 1_000_003L + f[5]);
        f[k] = NameFeatures.hash(43, p1 * 1_000_003L + f[1]);
    }

    int best(long[] f, int prev, float[] score) {
        return best(f, prev, score, new int[f.length]);
    }

    /** As {@link #best(long[], int, float[])}, with {@code slots} (as long as {@code f}) as scratch space. */
    int best(long[] f, int prev, float[] score, int[] slots) {
        java.util.Arrays.fill(score, 0);
        weights.addAll(f, slots, score);
        int best = 0;
        for (int tag = 1; tag < TAGS; tag++) {
            if (allowed(prev, tag) && score[tag] > score[best]) {
                best = tag;
            }
        }
        return best;
    }

    /** One entity span found by the model: type index into {@link #TYPES}, first and last token (inclusive). */
    record Span(int type, int first, int last) {
    }

    static List<Span> spans(int[] tags) {
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] == 0) {
                continue;
            }
            int type = (tags[i] - 1) / 2;
            int j = i;
            while (j + 1 < tags.length && tags[j + 1] != 0 && tags[j + 1] % 2 == 0 && (tags[j + 1] - 1) / 2 == type) {
                j++;
            }
            out.add(new Span(type, i, j));
            i = j;
        }
        return out;
    }

    void write(OutputStream raw) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(0x424E4D31);
            out.writeInt(TAGS);
            for (int tag = 0; tag < TAGS; tag++) {
                out.writeUTF(tagName(tag));
            }
            out.writeUTF(recipe);
            weights.write(out);
        }
    }

    /**
     * Reads a model written by {@link #write}.
     *
     * @throws IllegalArgumentException when the stream is not a name model of this version or its tags differ
     */
    static NameModel read(InputStream raw) {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 0x424E4D31) {
                throw new IllegalArgumentException("not a Bastion name model (bad magic)");
            }
            int tags = in.readInt();
            if (tags != TAGS) {
                throw new IllegalArgumentException("name model has " + tags + " tags, this build expects " + TAGS);
            }
            for (int tag = 0; tag < TAGS; tag++) {
                String name = in.readUTF();
                if (!name.equals(tagName(tag))) {
                    throw new IllegalArgumentException("name model tag " + tag + " is " + name + ", expected "
                            + tagName(tag));
                }
            }
            String recipe = in.readUTF();
            return new NameModel(FeatureTable.read(in), recipe);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the name model: " + e.getMessage(), e);
        }
    }
}
