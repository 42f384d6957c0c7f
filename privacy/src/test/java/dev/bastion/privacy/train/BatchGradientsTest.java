package dev.bastion.privacy.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batched MLP path against the one-example path: equal bit for bit, not merely close. */
class BatchGradientsTest {

    /** Rows with a third of the features exactly zero (as blank pixels are), a label per row. */
    private static TrainingData rows(int n, int dims, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][dims];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < dims; j++) {
                x[i][j] = r.nextInt(3) == 0 ? 0 : r.nextGaussian() + (j % classes == y[i] ? 1 : 0);
            }
        }
        List<String> names = IntStream.range(0, classes).mapToObj(c -> "c" + c).toList();
        List<String> features = IntStream.range(0, dims).mapToObj(j -> "f" + j).toList();
        return new TrainingData(x, y, names, features);
    }

    private static double[] someParameters(Model m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = m.initialParameters(r);
        for (int i = 0; i < p.length; i++) {
            p[i] += r.nextGaussian() * 0.1;
        }
        return p;
    }

    /**
     * Shapes that reach every branch of the kernels: 77 rows are two full blocks of 32 and a partial one; 4 and 6
     * classes (groups of four and a remainder); 300 inputs with 20 hidden units split the weights into several
     * L1-sized chunks in both directions, 37 with 45 do not.
     */
    private static final int[][] SHAPES = {{37, 45, 4}, {300, 20, 6}, {9, 3, 2}};

    @Test
    void summedParameterGradientsEqualTheOneExamplePathBitForBit() {
        for (int[] shape : SHAPES) {
            summedParameterGradientsMatch(new Mlp(shape[0], shape[1], shape[2]));
        }
    }

    private static void summedParameterGradientsMatch(Mlp mlp) {
        TrainingData data = rows(77, mlp.dimensions(), mlp.classes(), 1);
        double[] p = someParameters(mlp, 2);
        int[] picked = IntStream.range(0, data.size()).filter(i -> i % 5 != 2).toArray();
        double[] expected = new double[p.length];
        double[] actual = new double[p.length];
        BatchGradients reference = BatchGradients.oneAtATime(mlp);
        reference.load(p);
        reference.addGradients(data.x(), data.y(), picked, picked.length, expected);
        BatchGradients batched = mlp.batch();
        batched.load(p);
        batched.addGradients(data.x(), data.y(), picked, picked.length, actual);
        assertThat(Arrays.equals(actual, expected)).as("bitwise equal sums, %s", mlp).isTrue();
        assertThat(Arrays.stream(expected).filter(v -> v != 0).count()).isGreaterThan(p.length / 2);
    }

    @Test
    void inputGradientsAndLossesEqualTheOneExamplePathBitForBit() {
        for (int[] shape : SHAPES) {
            inputGradientsMatch(new Mlp(shape[0], shape[1], shape[2]));
        }
    }

    private static void inputGradientsMatch(Mlp mlp) {
        int d = mlp.dimensions();
        TrainingData data = rows(70, d, mlp.classes(), 3);
        double[] p = someParameters(mlp, 4);
        double[][] expected = new double[70][d];
        double[][] actual = new double[70][d];
        double[] expectedLoss = new double[70];
        double[] actualLoss = new double[70];
        BatchGradients reference = BatchGradients.oneAtATime(mlp);
        reference.load(p);
        reference.inputGradients(data.x(), data.y(), 3, 69, expected, expectedLoss);
        BatchGradients batched = mlp.batch();
        batched.load(p);
        batched.inputGradients(data.x(), data.y(), 3, 69, actual, actualLoss);
        assertThat(Arrays.deepEquals(actual, expected)).as("bitwise equal input gradients, %s", mlp).isTrue();
        assertThat(Arrays.equals(actualLoss, expectedLoss)).as("bitwise equal losses").isTrue();
        assertThat(actual[0]).containsOnly(0.0); // rows outside from..to are left alone
        assertThat(expectedLoss[10]).isPositive();
    }

    @Test
    void nonPrivateTrainingTakesTheBatchedPathAndEndsWithTheSameParameters() {
        Mlp mlp = new Mlp(20, 16, 3);
        TrainingData data = rows(150, 20, 3, 5);
        // A perturbation that changes nothing still sends DpSgd down the one-example loop: the old path.
        DpSgd.Perturbation identity = (params, x, y) -> x;
        for (int batch : new int[] {150, 40}) { // sampling rate 1, then Poisson sampling
            DpSgd.Settings s = new DpSgd.Settings(6, batch, 0.3, 0.9, 1, Double.POSITIVE_INFINITY, 0);
            DpSgd.Result fast = DpSgd.train(mlp, data, s, new SplittableRandom(9), DpRandom.insecureSeeded(9));
            DpSgd.Result old = DpSgd.train(mlp, data, s, new SplittableRandom(9), DpRandom.insecureSeeded(9),
                    identity);
            assertThat(Arrays.equals(fast.parameters(), old.parameters())).as("batch %d", batch).isTrue();
            assertThat(fast.examplesProcessed()).isEqualTo(old.examplesProcessed());
            assertThat(mlp.accuracy(fast.parameters(), data)).isGreaterThan(0.5);
        }
    }
}
