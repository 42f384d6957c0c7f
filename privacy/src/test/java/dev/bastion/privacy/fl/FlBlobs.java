package dev.bastion.privacy.fl;

import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The federated tests' data: two Gaussian classes, and sites holding chosen rows of them. */
public final class FlBlobs {

    private FlBlobs() {
    }

    /** Two Gaussian classes in 4 dimensions, class 1 shifted by +1.5 on every axis. */
    public static TrainingData blobs(int rows, Random random) {
        double[][] x = new double[rows][4];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = random.nextInt(2);
            for (int j = 0; j < 4; j++) {
                x[i][j] = random.nextGaussian() + 1.5 * y[i];
            }
        }
        return new TrainingData(x, y, List.of("a", "b"), List.of("f1", "f2", "f3", "f4"));
    }

    /** One site per part, each holding the rows of {@code all} its part lists. */
    public static List<TrainingData> silos(TrainingData all, List<int[]> parts) {
        List<TrainingData> out = new ArrayList<>();
        for (int[] rows : parts) {
            double[][] x = new double[rows.length][];
            int[] y = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                x[i] = all.x()[rows[i]];
                y[i] = all.y()[rows[i]];
            }
            out.add(new TrainingData(x, y, all.classes(), all.features()));
        }
        return out;
    }

    /** {@code count} sites of about equal size, rows dealt at random (seed 9). */
    public static List<TrainingData> users(TrainingData all, int count) {
        return silos(all, Partition.iid(all.size(), count, new Random(9)));
    }
}
