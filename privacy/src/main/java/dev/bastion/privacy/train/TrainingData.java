package dev.bastion.privacy.train;

import dev.bastion.privacy.dp.Table;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;

/**
 * Examples for training: feature vectors and class labels. From a CSV table, numeric columns are standardised and
 * other columns one-hot encoded; from IDX image files (the MNIST family), pixels are scaled to [0, 1].
 *
 * <p>The encoding (category lists, means and standard deviations) is computed from the data it is given and is
 * not covered by the DP-SGD guarantee; the privacy report says so. Immutable.
 */
public record TrainingData(double[][] x, int[] y, List<String> classes, List<String> features) {
    public TrainingData {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need at least one example, with one label per example");
        }
        classes = List.copyOf(classes);
        features = List.copyOf(features);
    }

    public int size() {
        return x.length;
    }

    public int dimensions() {
        return x[0].length;
    }

    /** Encodes {@code table}, predicting {@code label}. */
    public static TrainingData fromTable(Table table, String label) {
        int labelColumn = table.index(label);
        TreeSet<String> classSet = new TreeSet<>();
        for (int r = 0; r < table.size(); r++) {
            classSet.add(table.cell(r, labelColumn));
        }
        if (classSet.size() < 2) {
            throw new IllegalArgumentException("the label column '" + label + "' needs at least two classes");
        }
        if (classSet.size() > 1000) {
            throw new IllegalArgumentException("the label column '" + label + "' has more than 1000 classes");
        }
        List<String> classes = new ArrayList<>(classSet);
        List<String> features = new ArrayList<>();
        List<double[]> encoders = new ArrayList<>(); // per column: {numeric?1:0, mean, std} or category list index
        Map<Integer, List<String>> categories = new LinkedHashMap<>();
        List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < table.columns().size(); c++) {
            if (c == labelColumn) {
                continue;
            }
            columns.add(c);
            if (table.isNumeric(c)) {
                double sum = 0;
                double sq = 0;
                for (int r = 0; r < table.size(); r++) {
                    double v = table.number(r, c);
                    sum += v;
                    sq += v * v;
                }
                double mean = sum / table.size();
                double std = Math.sqrt(Math.max(0, sq / table.size() - mean * mean));
                encoders.add(new double[] {1, mean, std == 0 ? 1 : std});
                features.add(table.columns().get(c));
            } else {
                TreeSet<String> values = new TreeSet<>();
                for (int r = 0; r < table.size(); r++) {
                    values.add(table.cell(r, c));
                }
                if (values.size() > 1000) {
                    throw new IllegalArgumentException("column '" + table.columns().get(c)
                            + "' has more than 1000 distinct values; drop it or make it numeric");
                }
                categories.put(c, new ArrayList<>(values));
                encoders.add(new double[] {0});
                for (String v : values) {
                    features.add(table.columns().get(c) + "=" + v);
                }
            }
        }
        double[][] x = new double[table.size()][features.size()];
        int[] y = new int[table.size()];
        for (int r = 0; r < table.size(); r++) {
            int f = 0;
            for (int i = 0; i < columns.size(); i++) {
                int c = columns.get(i);
                double[] e = encoders.get(i);
                if (e[0] == 1) {
                    x[r][f++] = (table.number(r, c) - e[1]) / e[2];
                } else {
                    List<String> values = categories.get(c);
                    x[r][f + values.indexOf(table.cell(r, c))] = 1;
                    f += values.size();
                }
            }
            y[r] = classes.indexOf(table.cell(r, labelColumn));
        }
        return new TrainingData(x, y, classes, features);
    }

    /** Reads IDX files (optionally gzipped): images as unsigned bytes scaled to [0, 1], labels 0-9. */
    public static TrainingData fromIdx(Path images, Path labels) throws IOException {
        int[] imageDims;
        byte[] pixels;
        try (DataInputStream in = idx(images)) {
            imageDims = header(in, images, 0x0803, 3);
            long total = (long) imageDims[0] * imageDims[1] * imageDims[2];
            if (total > 200_000_000L) {
                throw new IllegalArgumentException(images + ": too many pixels (" + total + ")");
            }
            pixels = in.readNBytes((int) total);
            if (pixels.length != total) {
                throw new IllegalArgumentException(images + " is truncated");
            }
        }
        byte[] labelBytes;
        try (DataInputStream in = idx(labels)) {
            int[] dims = header(in, labels, 0x0801, 1);
            if (dims[0] != imageDims[0]) {
                throw new IllegalArgumentException(labels + " has " + dims[0] + " labels for " + imageDims[0] + " images");
            }
            labelBytes = in.readNBytes(dims[0]);
            if (labelBytes.length != dims[0]) {
                throw new IllegalArgumentException(labels + " is truncated");
            }
        }
        int n = imageDims[0];
        int d = imageDims[1] * imageDims[2];
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (pixels[i * d + j] & 0xff) / 255.0;
            }
            y[i] = labelBytes[i] & 0xff;
            if (y[i] > 9) {
                throw new IllegalArgumentException(labels + ": label " + y[i] + " at " + i + " is not 0-9");
            }
        }
        List<String> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add("pixel" + j);
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            classes.add(Integer.toString(c));
        }
        return new TrainingData(x, y, classes, features);
    }

    private static DataInputStream idx(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw);
    }

    private static int[] header(DataInputStream in, Path file, int magic, int dimensions) throws IOException {
        int m = in.readInt();
        if (m != magic) {
            throw new IllegalArgumentException(file + " is not an IDX file of the expected kind (magic " + m + ")");
        }
        int[] dims = new int[dimensions];
        for (int i = 0; i < dimensions; i++) {
            dims[i] = in.readInt();
            if (dims[i] <= 0 || dims[i] > 10_000_000) {
                throw new IllegalArgumentException(file + ": implausible dimension " + dims[i]);
            }
        }
        return dims;
    }

    /** 0..n-1 in a random order (Fisher-Yates, from the last index down). */
    public static int[] shuffledIndices(int n, RandomGenerator random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A random split: {train, test}, the test part holding {@code testFraction} of the examples. */
    public TrainingData[] split(double testFraction, RandomGenerator random) {
        int n = size();
        int[] order = shuffledIndices(n, random);
        int testSize = (int) Math.round(n * testFraction);
        if (testSize < 1 || testSize >= n) {
            throw new IllegalArgumentException("the test fraction leaves no training or no test examples");
        }
        return new TrainingData[] {subset(order, testSize, n), subset(order, 0, testSize)};
    }

    private TrainingData subset(int[] order, int from, int to) {
        double[][] sx = new double[to - from][];
        int[] sy = new int[to - from];
        for (int i = from; i < to; i++) {
            sx[i - from] = x[order[i]];
            sy[i - from] = y[order[i]];
        }
        return new TrainingData(sx, sy, classes, features);
    }
}
