package dev.bastion.guard.pii;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains the name model ({@code bastion train pii-names}): generates sentences from the templates and gazetteers
 * ({@link NameCorpus}), labels their tokens with BIO tags, and runs an averaged perceptron with greedy decoding over
 * them for a number of epochs, with the order shuffled by the seed. A second, separately seeded set of generated
 * sentences measures the result. The same seed, sizes and inputs give the same model bytes.
 */
public final class NameTraining {
    /** Averaged weights smaller than this are dropped: a smaller table is faster to look up and to ship. */
    static final float PRUNE = 0.05f;

    private NameTraining() {
    }

    /**
     * What one training run did.
     *
     * @param features non-zero features kept in the model
     * @param inputsSha256 SHA-256 of the templates followed by the gazetteer files, in the order listed in the recipe
     * @param heldOutTokenAccuracy share of tokens of the generated held-out set tagged right
     * @param heldOutEntityF1 exact-span F1 over entities of the generated held-out set
     */
    public record Result(int sentences, int epochs, long seed, int features, String inputsSha256,
            double heldOutTokenAccuracy, double heldOutEntityF1, String recipe) {
    }

    /**
     * Trains on {@code sentences} generated sentences for {@code epochs} epochs and writes the model to {@code out}.
     *
     * @throws IllegalArgumentException when sentences or epochs are not positive
     */
    public static Result train(long seed, int sentences, int epochs, OutputStream out) throws IOException {
        if (sentences < 1 || epochs < 1) {
            throw new IllegalArgumentException("sentences and epochs must be positive, got " + sentences + " and "
                    + epochs);
        }
        NameCorpus corpus = new NameCorpus();
        List<NameCorpus.Sentence> train = corpus.generate(sentences, new Random(seed));
        List<NameCorpus.Sentence> heldOut = corpus.generate(Math.max(200, sentences / 10), new Random(~seed));
        List<Tokens> tokens = new ArrayList<>();
        List<int[]> gold = new ArrayList<>();
        for (NameCorpus.Sentence s : train) {
            Tokens t = Tokens.of(s.text());
            tokens.add(t);
            gold.add(labels(t, s));
        }
        FeatureTable table = new FeatureTable(1 << 20, true);
        NameModel model = new NameModel(table, "");
        Random order = new Random(seed * 31 + 7);
        long c = 1;
        long[] f = new long[NameFeatures.STATIC + 4];
        float[] score = new float[NameModel.TAGS];
        int[] idx = new int[tokens.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = idx.length - 1; i > 0; i--) {
                int j = order.nextInt(i + 1);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
            }
            for (int k : idx) {
                Tokens t = tokens.get(k);
                int[] g = gold.get(k);
                int[][] look = NameFeatures.lookups(t);
                int[] predicted = new int[t.size];
                for (int i = 0; i < t.size; i++) {
                    if ((i == 0 || predicted[i - 1] == 0) && NameModel.plain(t, look[0], i)) {
                        continue; // decoded as O without scoring, as at tagging time
                    }
                    model.features(t, look, i, predicted, f);
                    int p = model.best(f, i > 0 ? predicted[i - 1] : 0, score);
                    if (p != g[i]) {
                        for (long h : f) {
                            table.update(h, g[i], 1, c);
                            table.update(h, p, -1, c);
                        }
                    }
                    predicted[i] = p; // greedy history, as at tagging time
                    c++;
                }
            }
        }
        String sha = inputsSha256();
        String recipe = String.format(Locale.ROOT, "bastion train pii-names --seed %d --sentences %d --epochs %d; "
                + "inputs (%s then %s) sha256 %s", seed, sentences, epochs, NameCorpus.TEMPLATES,
                String.join(", ", Gazetteers.FILES), sha);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        new NameModel(table.averaged(c, PRUNE), recipe).write(bytes);
        NameModel shipped = NameModel.read(new java.io.ByteArrayInputStream(bytes.toByteArray())); // as stored
        double[] measured = measure(shipped, heldOut);
        bytes.writeTo(out);
        return new Result(sentences, epochs, seed, shipped.weights.size(), sha, measured[0], measured[1], recipe);
    }

    /** BIO tags of the tokens of {@code s}: a token takes the entity that holds its first character. */
    static int[] labels(Tokens t, NameCorpus.Sentence s) {
        int[] tags = new int[t.size];
        for (NameCorpus.Entity e : s.entities()) {
            int type = NameModel.TYPES.indexOf(e.type());
            boolean first = true;
            for (int i = 0; i < t.size; i++) {
                if (t.start[i] >= e.start() && t.start[i] < e.end()) {
                    tags[i] = first ? 1 + 2 * type : 2 + 2 * type;
                    first = false;
                }
            }
        }
        return tags;
    }

    private static double[] measure(NameModel model, List<NameCorpus.Sentence> sentences) {
        long right = 0;
        long all = 0;
        long tp = 0;
        long predictedN = 0;
        long goldN = 0;
        for (NameCorpus.Sentence s : sentences) {
            Tokens t = Tokens.of(s.text());
            int[] g = labels(t, s);
            int[] p = model.tag(t);
            for (int i = 0; i < t.size; i++) {
                right += g[i] == p[i] ? 1 : 0;
                all++;
            }
            List<NameModel.Span> gs = NameModel.spans(g);
            List<NameModel.Span> ps = NameModel.spans(p);
            goldN += gs.size();
            predictedN += ps.size();
            for (NameModel.Span x : ps) {
                tp += gs.contains(x) ? 1 : 0;
            }
        }
        double precision = predictedN == 0 ? 0 : (double) tp / predictedN;
        double recall = goldN == 0 ? 0 : (double) tp / goldN;
        return new double[] {(double) right / Math.max(1, all),
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)};
    }

    static String inputsSha256() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(NameCorpus.templateBytes());
            d.update(HexFormat.of().parseHex(Gazetteers.get().sha256));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
