package dev.bastion.privacy.deid;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.util.SplittableRandom;

/**
 * What a release costs an analyst: the test accuracy of a logistic regression (no privacy noise) trained on 80% of
 * a table's rows and tested on the other 20%, the split fixed by a seed so the original and the released table are
 * split the same way.
 */
public final class ModelAccuracy {
    private ModelAccuracy() {
    }

    /** The test accuracy of predicting {@code label} from every other column of {@code table}. */
    public static double of(Table table, String label, long seed) {
        TrainingData data = TrainingData.fromTable(table, label);
        TrainingData[] split = data.split(0.2, new SplittableRandom(seed));
        LogisticRegression model = new LogisticRegression(data.dimensions(), data.classes().size());
        DpSgd.Settings settings = new DpSgd.Settings(5, 64, 0.05, 0.9, 1e9, Double.POSITIVE_INFINITY, 0);
        double[] params = DpSgd.train(model, split[0], settings, new SplittableRandom(seed + 1),
                DpRandom.insecureSeeded(seed)).parameters();
        int correct = 0;
        TrainingData test = split[1];
        for (int i = 0; i < test.size(); i++) {
            if (model.predict(params, test.x()[i]) == test.y()[i]) {
                correct++;
            }
        }
        return (double) correct / test.size();
    }
}
