package dev.bastion.guard.pii;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the contextual classifier ({@link ContextModel}) on documents whose words already have MiniLM vectors:
 * softmax cross-entropy over the BIO tags, Adam (Kingma and Ba, 2015: beta1 0.9, beta2 0.999) on mini-batches of
 * 32 words in a shuffled order, L2 weight decay, features standardised by the training set's means and standard
 * deviations (a feature that never varies is zeroed). With {@code hidden > 0} one ReLU layer (He initialisation)
 * sits in front of the softmax. Feature rows are built per document when needed, so memory holds one vector per
 * word, not three. Deterministic for a seed (single thread).
 */
public final class ContextTraining {
    private ContextTraining() {
    }

    /** An entity span of a training document. */
    public record Span(String type, int start, int end) {
        public Span {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("bad span " + start + ".." + end);
            }
        }
    }

    /** A training document: its text, its word vectors, its gold spans and the first stage's name spans. */
    public record Doc(String text, TokenVectors.Words words, List<Span> gold, List<Recognizer.Candidate> names) {
        public Doc {
            gold = List.copyOf(gold);
            names = List.copyOf(names);
        }
    }

    /** Settings: hidden units (0 = logistic regression), epochs, learning rate, L2, seed, first-stage features. */
    public record Settings(int hidden, int epochs, double rate, double l2, long seed, boolean firstStage) {
        public Settings {
            if (hidden < 0 || epochs < 1 || rate <= 0 || l2 < 0) {
                throw new IllegalArgumentException("bad training settings");
            }
        }

        @Override
        public String toString() {
            return "hidden " + hidden + ", epochs " + epochs + ", rate " + rate + ", l2 " + l2 + ", seed " + seed
                    + ", first-stage features " + firstStage;
        }
    }

    /** A labelled text, before encoding. */
    public record Labelled(String text, List<Span> gold) {
        public Labelled {
            gold = List.copyOf(gold);
        }
    }

    /**
     * {@code n} documents from the name model's generator ({@code name-templates.txt} and the gazetteers, see
     * docs/pii-name-model.md), drawn with {@code seed}: the generated source of the contextual model.
     */
    public static List<Labelled> generated(int n, long seed) {
        List<Labelled> out = new ArrayList<>(n);
        for (NameCorpus.Sentence s : new NameCorpus().generate(n, new Random(seed))) {
            out.add(new Labelled(s.text(), s.entities().stream().map(e -> new Span(e.type(), e.start(), e.end()))
                    .toList()));
        }
        return out;
    }

    /** The first stage's name-model spans of {@code text} as the scanner reports them (balanced mode). */
    public static List<Recognizer.Candidate> firstStageNames(String text) {
        return PiiScanner.defaults().find(text).stream().filter(c -> NameModel.TYPES.contains(c.type())).toList();
    }

    /** The BIO tag index of every word: B-X for the first word of a span of type X, I-X after it, else O. */
    public static int[] labels(Doc d) {
        TokenVectors.Words w = d.words();
        int[] y = new int[w.size()];
        for (Span s : d.gold()) {
            int t = ContextModel.TYPES.indexOf(s.type());
            if (t < 0) {
                continue;
            }
            boolean first = true;
            for (int i = 0; i < w.size(); i++) {
                if (w.start()[i] < s.end() && s.start() < w.end()[i]) {
                    y[i] = first ? 1 + 2 * t : 2 + 2 * t;
                    first = false;
                }
            }
        }
        return y;
    }

    static float[][] rows(Doc d, boolean firstStage) {
        return ContextFeatures.rows(d.text(), d.words(), firstStage ? d.names() : List.of());
    }

    public static ContextModel train(List<Doc> docs, Settings s, String recipe) {
        int dim = ContextFeatures.DIM;
        double[] sum = new double[dim];
        double[] sq = new double[dim];
        long n = 0;
        List<int[]> order = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (int k = 0; k < docs.size(); k++) {
            Doc d = docs.get(k);
            labels.add(labels(d));
            for (float[] r : rows(d, s.firstStage())) {
                for (int j = 0; j < dim; j++) {
                    sum[j] += r[j];
                    sq[j] += (double) r[j] * r[j];
                }
                order.add(new int[] {k, (int) n - 0});
                n++;
            }
        }
        float[] mean = new float[dim];
        float[] scale = new float[dim];
        for (int j = 0; j < dim; j++) {
            double m = sum[j] / Math.max(1, n);
            double var = sq[j] / Math.max(1, n) - m * m;
            mean[j] = (float) m;
            scale[j] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 0;
        }
        int h = s.hidden();
        int top = h == 0 ? dim : h;
        int tags = ContextModel.TAGS;
        Random r = new Random(s.seed());
        float[][] p = {new float[h * dim], new float[h], new float[tags * top], new float[tags]};
        for (int k = 0; k < p[0].length; k++) {
            p[0][k] = (float) (r.nextGaussian() * Math.sqrt(2.0 / dim));
        }
        if (h > 0) {
            for (int k = 0; k < p[2].length; k++) {
                p[2][k] = (float) (r.nextGaussian() * Math.sqrt(1.0 / h));
            }
        }
        Adam adam = new Adam(p, s.rate(), s.l2());
        // words indexed by (document, position); rows are rebuilt per document in each epoch
        int[][] at = new int[(int) n][];
        int idx = 0;
        for (int k = 0; k < docs.size(); k++) {
            for (int i = 0; i < labels.get(k).length; i++) {
                at[idx++] = new int[] {k, i};
            }
        }
        ContextModel model = new ContextModel(recipe, s.firstStage(), dim, h, mean, scale, p[0], p[1], p[2], p[3]);
        float[][] g = {new float[p[0].length], new float[h], new float[p[2].length], new float[tags]};
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            // shuffle documents, then words inside a block of documents, so rows are built once per epoch
            List<Integer> docOrder = new ArrayList<>();
            for (int k = 0; k < docs.size(); k++) {
                docOrder.add(k);
            }
            java.util.Collections.shuffle(docOrder, r);
            int batch = 0;
            double loss = 0;
            for (int from = 0; from < docOrder.size(); from += 64) {
                List<float[]> xs = new ArrayList<>();
                List<Integer> ys = new ArrayList<>();
                for (int q = from; q < Math.min(docOrder.size(), from + 64); q++) {
                    int k = docOrder.get(q);
                    float[][] rows = rows(docs.get(k), s.firstStage());
                    int[] y = labels.get(k);
                    for (int i = 0; i < rows.length; i++) {
                        xs.add(rows[i]);
                        ys.add(y[i]);
                    }
                }
                int[] perm = new int[xs.size()];
                for (int i = 0; i < perm.length; i++) {
                    perm[i] = i;
                }
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                for (int b = 0; b < perm.length; b += 32) {
                    for (float[] gg : g) {
                        java.util.Arrays.fill(gg, 0);
                    }
                    int m = Math.min(perm.length, b + 32) - b;
                    for (int q = b; q < b + m; q++) {
                        loss += step(model, xs.get(perm[q]).clone(), ys.get(perm[q]), g);
                    }
                    adam.update(g, 1.0f / m);
                    batch++;
                }
            }
            System.err.printf(java.util.Locale.ROOT, "context model: epoch %d, mean loss %.4f over %d words%n",
                    epoch + 1, loss / n, n);
        }
        return model;
    }

    /** Adds the gradient of one word's cross-entropy into {@code g}; returns the loss. */
    private static double step(ContextModel m, float[] x, int y, float[][] g) {
        int dim = m.dim;
        for (int d = 0; d < dim; d++) {
            x[d] = (x[d] - m.mean[d]) * m.scale[d];
        }
        int h = m.hidden;
        float[] in = x;
        if (h > 0) {
            in = new float[h];
            for (int u = 0; u < h; u++) {
                float s = m.b1[u];
                int row = u * dim;
                for (int d = 0; d < dim; d++) {
                    s += m.w1[row + d] * x[d];
                }
                in[u] = Math.max(0, s);
            }
        }
        int top = in.length;
        int tags = ContextModel.TAGS;
        float[] p = new float[tags];
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < tags; t++) {
            float s = m.b2[t];
            int row = t * top;
            for (int d = 0; d < top; d++) {
                s += m.w2[row + d] * in[d];
            }
            p[t] = s;
            max = Math.max(max, s);
        }
        float z = 0;
        for (int t = 0; t < tags; t++) {
            p[t] = (float) Math.exp(p[t] - max);
            z += p[t];
        }
        float[] back = h > 0 ? new float[h] : null;
        for (int t = 0; t < tags; t++) {
            float delta = p[t] / z - (t == y ? 1 : 0);
            g[3][t] += delta;
            int row = t * top;
            for (int d = 0; d < top; d++) {
                g[2][row + d] += delta * in[d];
                if (back != null) {
                    back[d] += delta * m.w2[row + d];
                }
            }
        }
        if (back != null) {
            for (int u = 0; u < h; u++) {
                if (in[u] > 0) {
                    float b = back[u];
                    g[1][u] += b;
                    int row = u * dim;
                    for (int d = 0; d < dim; d++) {
                        g[0][row + d] += b * x[d];
                    }
                }
            }
        }
        return -Math.log(Math.max(1e-12, p[y] / z));
    }

    /** Adam with decoupled L2 on the weight matrices (arrays 0 and 2), none on the biases. */
    private static final class Adam {
        private final float[][] p;
        private final float[][] m1;
        private final float[][] m2;
        private final double rate;
        private final double l2;
        private int t;

        Adam(float[][] p, double rate, double l2) {
            this.p = p;
            this.rate = rate;
            this.l2 = l2;
            m1 = new float[p.length][];
            m2 = new float[p.length][];
            for (int k = 0; k < p.length; k++) {
                m1[k] = new float[p[k].length];
                m2[k] = new float[p[k].length];
            }
        }

        void update(float[][] g, float scale) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            float lr = (float) (rate * Math.sqrt(c2) / c1);
            for (int k = 0; k < p.length; k++) {
                float decay = (k == 0 || k == 2) ? (float) (rate * l2) : 0;
                float[] w = p[k];
                float[] a = m1[k];
                float[] b = m2[k];
                float[] gk = g[k];
                for (int i = 0; i < w.length; i++) {
                    float gi = gk[i] * scale;
                    a[i] = 0.9f * a[i] + 0.1f * gi;
                    b[i] = 0.999f * b[i] + 0.001f * gi * gi;
                    w[i] -= lr * a[i] / ((float) Math.sqrt(b[i]) + 1e-8f) + decay * w[i];
                }
            }
        }
    }
}
