package dev.bastion.privacy.synth;

import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * DP synthetic data from noisy marginals: {@code independent} (1-way marginals only), MST (McKenna, Sheldon and
 * Miklau 2021, "Winning the NIST Contest: A scalable and general approach to differentially private synthetic
 * data") and AIM (see {@link Aim}). The caller charges {@link SynthesisPlan#events()} to a ledger first; this class
 * spends exactly that: for MST and independent the same events, for AIM (whose rounds depend on the data) events
 * whose zCDP total is the plan's ρ, reported in {@link Synthesis#events()}.
 *
 * <pre>
 * MST, as built here:
 *  1. numeric columns are cut into bins at DP quantiles (DpBins); categorical columns keep their domain values;
 *  2. every 1-way marginal is measured with Gaussian noise (L2 sensitivity 1 each);
 *  3. a spanning tree of the columns is chosen privately: for every pair (a, b) the score is the L1 distance
 *     between the true 2-way marginal and N̂·p̂_a⊗p̂_b, the table the noisy 1-way marginals predict (sensitivity 1:
 *     one row moves one cell by 1; p̂ and N̂ are post-processing). Kruskal's algorithm picks d-1 edges, each among
 *     the pairs joining two components by the exponential mechanism, P ∝ exp(ε_em · score / 2), sampled as the
 *     arg max of ε_em·score/2 + Gumbel noise. Pairs the independent model already explains score near 0; MST
 *     spends its 2-way budget where independence fails most;
 *  4. the chosen 2-way marginals are measured with Gaussian noise;
 *  5. a consistent tree model is estimated (ForestModel, Consistency): combined 1-way marginals, non-negative
 *     2-way marginals fitted to them by IPF, P(root) Π P(child | parent);
 *  6. rows are sampled ancestrally along the tree and decoded (numeric values uniform inside their bin).
 * private-pgm estimates by mirror descent over a general graphical model; on a tree the closed form above reaches
 * a consistent model without iterating over the whole graph. Floating-point exponential mechanism: the Gumbel draw
 * uses the ledger's randomness but ordinary doubles (the discrete-Gaussian measurements are exact).
 * </pre>
 *
 * Not thread-safe (owns the randomness it is given).
 */
public final class Synthesizer {

    /** One measured marginal: its columns, the noise multiplier (σ, sensitivity 1) and its number of cells. */
    public record Measurement(List<String> columns, double noiseMultiplier, int cells) {
        public Measurement {
            columns = List.copyOf(columns);
        }
    }

    /**
     * A synthetic table and what was measured to make it; {@code tree} the pairs MST's tree joins, or the sets of two
     * or more columns AIM chose, in order; {@code events} are the mechanisms that ran (AIM's depend on
     * the data), {@code rounds} AIM's selection rounds (0 for the others); {@code fitSeconds} covers binning,
     * measuring and estimating, {@code sampleSeconds} sampling and decoding the rows.
     */
    public record Synthesis(List<String> columns, List<String[]> rows, SynthesisPlan plan, List<Measurement> measured,
            List<List<String>> tree, List<double[]> numericEdges, double estimatedRows, List<PrivacyEvent> events,
            int rounds, double fitSeconds, double sampleSeconds) {
        public Synthesis {
            events = List.copyOf(events);
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
            measured = List.copyOf(measured);
            tree = List.copyOf(tree);
            numericEdges = List.copyOf(numericEdges);
        }
    }

    private Synthesizer() {
    }

    /** Draws rows from a fitted model, as codes {@code [column][row]}. */
    private interface Sampler {
        int[][] sample(int rows, RandomGenerator random);
    }

    /**
     * Synthesises {@code rows} rows (or, when {@code rows} is 0, as many as the noisy count of the data) from
     * {@code data} under {@code plan}.
     */
    public static Synthesis run(Table data, Domain domain, SynthesisPlan plan, int rows, DpRandom random) {
        if (plan.columns() != domain.size()) {
            throw new IllegalArgumentException("the plan was made for another domain");
        }
        int d = domain.size();
        long start = System.nanoTime();
        Encoding encoding = plan.numericColumns() > 0
                ? DpBins.release(data, domain, plan.bins(), plan.binMultiplier(), random)
                : new Encoding(domain, new double[d][]);
        int[][] codes = encoding.encode(data);
        int[] sizes = encoding.sizes();
        List<String> names = domain.names();
        List<int[]> measuredSets = new ArrayList<>();
        List<Double> sigmas = new ArrayList<>();
        List<int[]> edges;
        List<PrivacyEvent> events;
        int rounds = 0;
        double total;
        Sampler sampler;
        if (plan.method() == SynthesisPlan.Method.AIM) {
            Aim.Fit fit = Aim.run(codes, sizes, plan.aimRho(), plan.workload(), random);
            for (NoisyMarginal m : fit.measurements()) {
                measuredSets.add(m.attributes());
                sigmas.add(m.sigma());
            }
            edges = fit.chosen();
            events = new ArrayList<>(plan.binEvents());
            events.addAll(fit.events());
            rounds = fit.rounds();
            total = fit.model().total();
            sampler = fit.model()::sample;
        } else {
            List<ForestModel.Noisy> noisy = new ArrayList<>();
            double z1 = plan.oneWayMultiplier();
            double[][] oneWay = new double[d][];
            for (int c = 0; c < d; c++) {
                oneWay[c] = Aim.noisy(Marginal.count(codes, sizes, c).counts(), z1, random);
                noisy.add(new ForestModel.Noisy(new int[] {c}, oneWay[c], z1));
            }
            edges = plan.method() == SynthesisPlan.Method.MST
                    ? selectTree(codes, sizes, oneWay, totalFromOneWay(oneWay, sizes, z1), plan.selectionEpsilon(),
                            random.generator())
                    : List.of();
            for (int[] e : edges) {
                noisy.add(new ForestModel.Noisy(e, Aim.noisy(Marginal.count(codes, sizes, e[0], e[1]).counts(),
                        plan.twoWayMultiplier(), random), plan.twoWayMultiplier()));
            }
            events = plan.events();
            for (ForestModel.Noisy m : noisy) {
                measuredSets.add(m.attributes());
                sigmas.add(m.sigma());
            }
            ForestModel model = ForestModel.estimate(sizes, edges, noisy);
            total = model.total();
            sampler = model.sampler()::sample;
        }
        List<Measurement> measured = new ArrayList<>();
        for (int i = 0; i < measuredSets.size(); i++) {
            int cells = 1;
            List<String> cols = new ArrayList<>();
            for (int a : measuredSets.get(i)) {
                cells *= sizes[a];
                cols.add(names.get(a));
            }
            measured.add(new Measurement(cols, sigmas.get(i), cells));
        }

        long fitted = System.nanoTime();
        int n = rows > 0 ? rows : (int) Math.max(1, Math.round(total));
        RandomGenerator g = random.generator();
        int[][] sampled = sampler.sample(n, g);
        List<String[]> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            String[] row = new String[d];
            for (int c = 0; c < d; c++) {
                row[c] = encoding.decode(c, sampled[c][r], g);
            }
            out.add(row);
        }
        List<List<String>> tree = edges.stream()
                .map(e -> java.util.Arrays.stream(e).mapToObj(names::get).toList()).toList();
        List<double[]> numericEdges = new ArrayList<>();
        for (int c = 0; c < d; c++) {
            numericEdges.add(encoding.edges(c));
        }
        return new Synthesis(names, out, plan, measured, tree, numericEdges, total, events, rounds, (fitted - start) / 1e9,
                (System.nanoTime() - fitted) / 1e9);
    }

    /** Inverse-variance weighted mean of the noisy 1-way totals (at least 1): the total MST's selection uses. */
    private static double totalFromOneWay(double[][] oneWay, int[] sizes, double z1) {
        double sum = 0;
        double weight = 0;
        for (int c = 0; c < oneWay.length; c++) {
            double w = 1 / (sizes[c] * z1 * z1);
            sum += w * Arrays.stream(oneWay[c]).sum();
            weight += w;
        }
        return Math.max(1, sum / weight);
    }

    /** Kruskal's algorithm with each edge chosen by the exponential mechanism (see the class comment). */
    static List<int[]> selectTree(int[][] codes, int[] sizes, double[][] oneWay, double total, double epsilon,
            RandomGenerator g) {
        int d = sizes.length;
        double[][] p = new double[d][];
        for (int c = 0; c < d; c++) {
            p[c] = Consistency.simplex(oneWay[c], total);
        }
        List<int[]> pairs = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            for (int b = a + 1; b < d; b++) {
                double[] counts = Marginal.count(codes, sizes, a, b).counts();
                double score = 0;
                for (int i = 0; i < sizes[a]; i++) {
                    for (int j = 0; j < sizes[b]; j++) {
                        score += Math.abs(counts[i * sizes[b] + j] - p[a][i] * p[b][j] / total);
                    }
                }
                pairs.add(new int[] {a, b});
                scores.add(score);
            }
        }
        int[] component = new int[d];
        for (int c = 0; c < d; c++) {
            component[c] = c;
        }
        List<int[]> chosen = new ArrayList<>();
        for (int round = 0; round < d - 1; round++) {
            int best = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < pairs.size(); i++) {
                int[] e = pairs.get(i);
                if (component[e[0]] == component[e[1]]) {
                    continue;
                }
                double u = g.nextDouble();
                double gumbel = -Math.log(-Math.log(u > 0 ? u : Double.MIN_VALUE));
                double value = epsilon * scores.get(i) / 2 + gumbel;
                if (value > bestValue) {
                    bestValue = value;
                    best = i;
                }
            }
            int[] e = pairs.get(best);
            chosen.add(e);
            int from = component[e[1]];
            for (int c = 0; c < d; c++) {
                if (component[c] == from) {
                    component[c] = component[e[0]];
                }
            }
        }
        return chosen;
    }
}
