package dev.bastion.privacy.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GraphicalModelTest {
    // columns 0..4 with these sizes; cliques {0,1}, {1,2}, {0,2} close a cycle, {2,3} and {3,4} hang off it
    private static final int[] SIZES = {2, 3, 2, 4, 3};
    private static final int[][] MEASURED = {{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}};

    private static JunctionTree tree() {
        JunctionTree t = JunctionTree.independent(SIZES);
        for (int[] m : MEASURED) {
            t = t.with(m);
        }
        return t;
    }

    /** Every joint cell of the domain as codes, in row-major order. */
    private static List<int[]> cells() {
        List<int[]> out = new ArrayList<>();
        int total = 1;
        for (int s : SIZES) {
            total *= s;
        }
        for (int i = 0; i < total; i++) {
            int[] x = new int[SIZES.length];
            int r = i;
            for (int c = SIZES.length - 1; c >= 0; c--) {
                x[c] = r % SIZES[c];
                r /= SIZES[c];
            }
            out.add(x);
        }
        return out;
    }

    private static int cell(Factor f, int[] x) {
        int i = 0;
        for (int j = 0; j < f.attributes().length; j++) {
            i = i * f.sizes()[j] + x[f.attributes()[j]];
        }
        return i;
    }

    /** The brute-force marginal over {@code attributes} of the joint proportional to {@code weight}, scaled to n. */
    private static double[] bruteForce(List<int[]> cells, double[] weight, double n, int... attributes) {
        Factor shape = Factor.filled(attributes, SIZES, 0);
        double[] out = shape.values();
        double z = 0;
        for (int i = 0; i < cells.size(); i++) {
            out[cell(shape, cells.get(i))] += weight[i];
            z += weight[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] *= n / z;
        }
        return out;
    }

    @Test
    void theTriangulatedTreeHoldsEveryMeasuredSetAndClosesTheCycleInOneClique() {
        JunctionTree t = tree();
        for (int[] m : MEASURED) {
            assertThat(t.containing(m)).as("clique holding %s", java.util.Arrays.toString(m)).isNotNegative();
        }
        assertThat(t.containing(new int[] {0, 1, 2})).isNotNegative();
        // the cycle's clique plus {2,3} and {3,4}: 12 + 8 + 12 cells
        assertThat(t.size()).isEqualTo(12 + 8 + 12);
        assertThat(t.with(new int[] {1, 2})).isSameAs(t);
    }

    @Test
    void beliefPropagationMarginalsEqualTheBruteForceMarginalsOfTheJoint() {
        JunctionTree t = tree();
        Random random = new Random(3);
        double[][] theta = new double[t.cliqueCount()][];
        for (int c = 0; c < theta.length; c++) {
            theta[c] = new double[Math.toIntExact(t.cells(c))];
            for (int j = 0; j < theta[c].length; j++) {
                theta[c][j] = 3 * random.nextGaussian();
            }
        }
        List<int[]> cells = cells();
        double[] weight = new double[cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            double log = 0;
            for (int c = 0; c < theta.length; c++) {
                Factor f = Factor.filled(t.clique(c), SIZES, 0);
                log += theta[c][cell(f, cells.get(i))];
            }
            weight[i] = Math.exp(log);
        }
        BeliefPropagation bp = new BeliefPropagation(t);
        GraphicalModel model = new GraphicalModel(bp, bp.beliefs(theta, 500), 500);
        for (int c = 0; c < t.cliqueCount(); c++) {
            assertThat(model.belief(c).values()).as("clique %s", c)
                    .containsExactly(bruteForce(cells, weight, 500, t.clique(c)), within(1e-9));
        }
        // sets inside a clique and across cliques (1 and 3, 0 and 4, 1 3 4 need the path between them)
        for (int[] set : new int[][] {{0}, {4}, {0, 1}, {1, 3}, {0, 4}, {1, 3, 4}, {0, 1, 4}, {0, 1, 2, 3, 4}}) {
            assertThat(model.marginal(set)).as("marginal of %s", java.util.Arrays.toString(set))
                    .containsExactly(bruteForce(cells, weight, 500, set), within(1e-9));
        }
    }

    @Test
    void mirrorDescentOnNoiseFreeMeasurementsOfAPlantedDistributionReproducesThem() {
        List<int[]> cells = cells();
        Random random = new Random(5);
        double[] weight = new double[cells.size()];
        for (int i = 0; i < weight.length; i++) {
            int[] x = cells.get(i);
            // a frustrated cycle on 0, 1, 2 and a chain 2 - 3 - 4, plus noise in every cell
            weight[i] = Math.exp((x[0] == x[1] % 2 ? 1 : 0) + (x[1] == x[2] ? 1 : 0) - (x[0] == x[2] ? 1.5 : 0)
                    + (x[3] == 2 * x[2] ? 1 : 0) + (x[4] == x[3] % 3 ? 0.8 : 0) + 0.3 * random.nextDouble());
        }
        List<NoisyMarginal> measured = new ArrayList<>();
        for (int c = 0; c < SIZES.length; c++) {
            measured.add(new NoisyMarginal(new int[] {c}, bruteForce(cells, weight, 1000, c), 1));
        }
        for (int[] m : MEASURED) {
            measured.add(new NoisyMarginal(m, bruteForce(cells, weight, 1000, m), 1));
        }
        MirrorDescent.Result fit = MirrorDescent.estimate(tree(), measured, NoisyMarginal.total(measured), null, 3000);
        for (NoisyMarginal m : measured) {
            assertThat(fit.model().marginal(m.attributes())).as("measured %s", java.util.Arrays.toString(m.attributes()))
                    .containsExactly(m.counts(), within(1e-3));
        }
        assertThat(fit.loss()).isLessThan(1e-6);
    }

    @Test
    void aForestOfMeasurementsCannotMatchACycleButTheCliqueOverItCan() {
        // the same planted pairs, estimated once on the tree {0,1},{1,2} and once with {0,2} added
        List<int[]> cells = cells();
        double[] weight = new double[cells.size()];
        for (int i = 0; i < weight.length; i++) {
            int[] x = cells.get(i);
            weight[i] = Math.exp((x[0] == x[1] % 2 ? 1 : 0) + (x[1] == x[2] ? 1 : 0) - (x[0] == x[2] ? 1.5 : 0));
        }
        List<NoisyMarginal> chain = List.of(new NoisyMarginal(new int[] {0, 1}, bruteForce(cells, weight, 1000, 0, 1), 1),
                new NoisyMarginal(new int[] {1, 2}, bruteForce(cells, weight, 1000, 1, 2), 1));
        JunctionTree t = JunctionTree.independent(SIZES).with(new int[] {0, 1}).with(new int[] {1, 2});
        MirrorDescent.Result tree = MirrorDescent.estimate(t, chain, 1000, null, 2000);
        double[] truth = bruteForce(cells, weight, 1000, 0, 2);
        double treeError = l1(tree.model().marginal(0, 2), truth);
        List<NoisyMarginal> cycle = new ArrayList<>(chain);
        cycle.add(new NoisyMarginal(new int[] {0, 2}, truth, 1));
        MirrorDescent.Result closed = MirrorDescent.estimate(t.with(new int[] {0, 2}), cycle, 1000,
                MirrorDescent.carry(t, tree.potentials(), t.with(new int[] {0, 2})), 2000);
        assertThat(treeError).isGreaterThan(50);
        assertThat(l1(closed.model().marginal(0, 2), truth)).isLessThan(0.01);
    }

    private static double l1(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s;
    }
}
