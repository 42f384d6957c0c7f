package dev.bastion.privacy.synth;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Machine-learning utility: logistic regression (privacy/train, no privacy) trained on the synthetic data and on
 * the real training data, both tested on the real holdout, beside always predicting the real training data's
 * majority class. One encoding for all three tables: numeric columns standardised with the real training
 * data's mean and deviation, categorical columns one-hot over the values seen in real or synthetic data (a value
 * seen only in the holdout encodes as all zeros).
 */
public record Utility(String label, double trainedOnSynthetic, double trainedOnReal, double majority) {

    public static Utility of(Table real, Table synthetic, Table holdout, String label, long seed) {
        Encoder enc = new Encoder(real, synthetic, label);
        TrainingData r = enc.encode(real);
        TrainingData s = enc.encode(synthetic);
        TrainingData h = enc.encode(holdout);
        double onReal = fit(r, h, seed);
        double onSynthetic = fit(s, h, seed);
        int[] counts = new int[enc.classes.size()];
        for (int y : r.y()) {
            counts[y]++;
        }
        int majority = 0;
        for (int c = 1; c < counts.length; c++) {
            majority = counts[c] > counts[majority] ? c : majority;
        }
        int right = 0;
        for (int y : h.y()) {
            right += y == majority ? 1 : 0;
        }
        return new Utility(label, onSynthetic, onReal, (double) right / h.size());
    }

    private static double fit(TrainingData train, TrainingData test, long seed) {
        LogisticRegression model = new LogisticRegression(train.dimensions(), train.classes().size());
        DpSgd.Settings settings = new DpSgd.Settings(5, 64, 0.05, 0.9, 1.0, Double.POSITIVE_INFINITY, 0);
        DpSgd.Result result = DpSgd.train(model, train, settings, new Random(seed), DpRandom.insecureSeeded(seed));
        return model.accuracy(result.parameters(), test);
    }

    private static final class Encoder {
        final List<String> classes;
        final List<String> columns;
        final int labelColumn;
        final List<Object> encoders = new ArrayList<>(); // double[]{mean, std} or a category index
        final List<String> features = new ArrayList<>();

        Encoder(Table real, Table synthetic, String label) {
            labelColumn = real.index(label);
            columns = real.columns();
            TreeSet<String> cls = new TreeSet<>();
            for (Table t : List.of(real, synthetic)) {
                int col = t.index(label);
                for (int r = 0; r < t.size(); r++) {
                    cls.add(t.cell(r, col));
                }
            }
            if (cls.size() < 2 || cls.size() > 1000) {
                throw new IllegalArgumentException("the label column '" + label + "' needs 2 to 1000 classes");
            }
            classes = new ArrayList<>(cls);
            for (int c = 0; c < columns.size(); c++) {
                if (c == labelColumn) {
                    encoders.add(null);
                    continue;
                }
                String name = columns.get(c);
                int sc = synthetic.index(name);
                if (real.isNumeric(c) && synthetic.isNumeric(sc)) {
                    double sum = 0;
                    double sq = 0;
                    for (int r = 0; r < real.size(); r++) {
                        double v = real.number(r, c);
                        sum += v;
                        sq += v * v;
                    }
                    double mean = sum / real.size();
                    double std = Math.sqrt(Math.max(0, sq / real.size() - mean * mean));
                    encoders.add(new double[] {mean, std == 0 ? 1 : std});
                    features.add(name);
                } else {
                    TreeSet<String> values = new TreeSet<>();
                    for (int r = 0; r < real.size(); r++) {
                        values.add(real.cell(r, c));
                    }
                    for (int r = 0; r < synthetic.size(); r++) {
                        values.add(synthetic.cell(r, sc));
                    }
                    java.util.Map<String, Integer> index = new java.util.HashMap<>();
                    for (String v : values) {
                        index.put(v, index.size());
                        features.add(name + "=" + v);
                    }
                    encoders.add(index);
                }
            }
        }

        TrainingData encode(Table t) {
            double[][] x = new double[t.size()][features.size()];
            int[] y = new int[t.size()];
            int labelCol = t.index(columns.get(labelColumn));
            for (int r = 0; r < t.size(); r++) {
                int f = 0;
                for (int c = 0; c < columns.size(); c++) {
                    Object e = encoders.get(c);
                    if (e == null) {
                        continue;
                    }
                    int col = t.index(columns.get(c));
                    if (e instanceof double[] ms) {
                        x[r][f++] = (parse(t, r, col) - ms[0]) / ms[1];
                    } else {
                        @SuppressWarnings("unchecked")
                        java.util.Map<String, Integer> values = (java.util.Map<String, Integer>) e;
                        Integer i = values.get(t.cell(r, col));
                        if (i != null) {
                            x[r][f + i] = 1;
                        }
                        f += values.size();
                    }
                }
                // a holdout label no training table has cannot be predicted: it counts as class 0, a miss or not
                y[r] = Math.max(0, classes.indexOf(t.cell(r, labelCol)));
            }
            return new TrainingData(x, y, classes, features);
        }

        private static double parse(Table t, int r, int col) {
            try {
                return t.number(r, col);
            } catch (IllegalArgumentException e) {
                return 0;
            }
        }
    }
}
