package dev.bastion.bench;

import dev.bastion.privacy.dp.DpEngine;
import dev.bastion.privacy.dp.DpQuery;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.QueryResult;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.Model;
import dev.bastion.privacy.train.TrainingData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Utility of Bastion's differential privacy against epsilon, and the cost of per-example clipping:
 * <ol>
 *   <li>DP query error: mean |noisy - true| and interval coverage over 200 runs per epsilon (Adult: count, mean age,
 *       median age);</li>
 *   <li>DP-SGD test accuracy at epsilon 0.5, 1, 2, 4, 8 and no privacy (Adult with logistic regression, Fashion-MNIST
 *       test images split 80/20 with logistic regression and an MLP), delta 1e-5, fixed seeds;</li>
 *   <li>throughput in examples per second, DP-SGD next to the same loop without clipping and noise.</li>
 * </ol>
 * Usage: DpUtilityBench ADULT_CSV FASHION_IMAGES_IDX FASHION_LABELS_IDX
 */
public final class DpUtilityBench {
    private static final double[] EPSILONS = {0.5, 1, 2, 4, 8, Double.POSITIVE_INFINITY};

    public static void main(String[] args) throws Exception {
        Path adult = Path.of(args[0]);
        queries(Table.read(adult));
        TrainingData adultData = TrainingData.fromTable(Table.read(adult), "income-per-year");
        training("Adult, logistic regression", adultData, d -> new LogisticRegression(d.dimensions(), 2), 5, 256, 0.5);
        TrainingData fashion = TrainingData.fromIdx(Path.of(args[1]), Path.of(args[2]));
        training("Fashion-MNIST (10k), logistic regression", fashion, d -> new LogisticRegression(d.dimensions(), 10),
                15, 256, 0.5);
        training("Fashion-MNIST (10k), MLP 64 hidden", fashion, d -> new Mlp(d.dimensions(), 64, 10), 15, 256, 0.5);
    }

    private static void queries(Table t) {
        int age = t.index("age");
        double[] ages = new double[t.size()];
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
            ages[i] = Math.max(0, Math.min(100, t.number(i, age)));
            sum += ages[i];
        }
        double trueMean = sum / t.size();
        double[] sorted = ages.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "## DP query error on Adult (n = %d; true mean age %.3f, median %.1f); 200 runs"
                + " each%n", t.size(), trueMean, sorted[sorted.length / 2]);
        System.out.println("| epsilon | count: mean abs error | mean age: mean abs error | median age: mean abs error "
                + "| 95% CI coverage (count / mean / median) |");
        System.out.println("|---|---|---|---|---|");
        for (double eps : new double[] {0.1, 0.5, 1, 2, 4, 8}) {
            double[] err = new double[3];
            int[] covered = new int[3];
            DpQuery count = DpQuery.builder(DpQuery.Kind.COUNT).epsilon(eps).build();
            DpQuery mean = DpQuery.builder(DpQuery.Kind.MEAN).column("age").bounds(0, 100).epsilon(eps).build();
            DpQuery median = DpQuery.builder(DpQuery.Kind.QUANTILE).column("age").bounds(0, 128).quantile(0.5)
                    .epsilon(eps).build();
            for (int run = 0; run < 200; run++) {
                DpRandom r = DpRandom.insecureSeeded(run * 31L + (long) (eps * 1000));
                QueryResult.Row c = DpEngine.run(t, count, r).rows().getFirst();
                QueryResult.Row m = DpEngine.run(t, mean, r).rows().getFirst();
                QueryResult.Row q = DpEngine.run(t, median, r).rows().getFirst();
                err[0] += Math.abs(c.value() - t.size());
                err[1] += Math.abs(m.value() - trueMean);
                err[2] += Math.abs(q.value() - sorted[sorted.length / 2]);
                covered[0] += c.interval().contains(t.size()) ? 1 : 0;
                covered[1] += m.interval().contains(trueMean) ? 1 : 0;
                covered[2] += q.interval().contains(sorted[sorted.length / 2]) ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.4f | %.3f | %.3f / %.3f / %.3f |%n", eps, err[0] / 200,
                    err[1] / 200, err[2] / 200, covered[0] / 200.0, covered[1] / 200.0, covered[2] / 200.0);
        }
        System.out.println();
    }

    private static void training(String name, TrainingData data, java.util.function.Function<TrainingData, Model> model,
            int epochs, int batch, double lr) {
        TrainingData[] split = data.split(0.2, new Random(42));
        Model m = model.apply(split[0]);
        System.out.printf(Locale.ROOT, "## %s: %d train / %d test, %d epochs, batch %d, lr %s, clip 1, delta 1e-5%n",
                name, split[0].size(), split[1].size(), epochs, batch, lr);
        System.out.println("| epsilon | test accuracy | reported epsilon (accountant) | noise multiplier | examples/s |");
        System.out.println("|---|---|---|---|---|");
        double privateRate = 0;
        double plainRate = 0;
        for (double eps : EPSILONS) {
            DpSgd.Settings s = new DpSgd.Settings(epochs, batch, lr, 0.9, 1.0, eps, 1e-5);
            DpSgd.Result r = DpSgd.train(m, split[0], s, new Random(7), DpRandom.insecureSeeded(8));
            double acc = m.accuracy(r.parameters(), split[1]);
            System.out.printf(Locale.ROOT, "| %s | %.4f | %s | %.3f | %.0f |%n", Double.isInfinite(eps) ? "inf (no DP)"
                    : eps, acc, r.report().isPrivate() ? String.format(Locale.ROOT, "%.3f (%s)", r.report().epsilon(),
                    r.report().accountant()) : "-", r.report().noiseMultiplier(), r.examplesPerSecond());
            if (eps == 1) {
                privateRate = r.examplesPerSecond();
            }
            if (Double.isInfinite(eps)) {
                plainRate = r.examplesPerSecond();
            }
        }
        // Without clipping the same learning rate can overshoot: the baseline also gets a tenth of it.
        DpSgd.Settings slow = new DpSgd.Settings(epochs, batch, lr / 10, 0.9, 1.0, Double.POSITIVE_INFINITY, 1e-5);
        DpSgd.Result r = DpSgd.train(m, split[0], slow, new Random(7), DpRandom.insecureSeeded(8));
        System.out.printf(Locale.ROOT, "| inf (no DP), lr %s | %.4f | - | 0.000 | %.0f |%n", lr / 10,
                m.accuracy(r.parameters(), split[1]), r.examplesPerSecond());
        System.out.printf(Locale.ROOT, "clipping cost: non-private / DP-SGD throughput = %.2fx%n%n",
                plainRate / privateRate);
    }
}
