package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.LogisticRegression;
import dev.bastion.privacy.train.TrainingData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MinimumNormAttackTest {
    static final double[] UNIT = {0, 1};

    /** sklearn's digits from the shared evaluation data (pixels 0-16 scaled to [0, 1]), or a skipped test. */
    static TrainingData digits() throws IOException {
        Path p = Path.of("..", "..", "shared", "eval-data", "tabular_sklearn_bundled", "digits.csv.gz")
                .toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(p), "the shared digits data is not beside the project");
        List<double[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p)),
                StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                double[] x = new double[f.length - 1];
                for (int j = 0; j < x.length; j++) {
                    x[j] = Double.parseDouble(f[j]) / 16;
                }
                xs.add(x);
                ys.add(Integer.parseInt(f[f.length - 1].strip()));
            }
        }
        return new TrainingData(xs.toArray(double[][]::new), ys.stream().mapToInt(Integer::intValue).toArray(),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(),
                IntStream.range(0, 64).mapToObj(j -> "p" + j).toList());
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The smallest L2 budget at which PGD-L2 (20 steps) flips {@code x}, by bisection to 1e-3. */
    static double pgdMinimumL2(LogisticRegression m, double[] params, double[] x, int y) {
        double low = 0;
        double high = 8;
        while (high - low > 1e-3) {
            double mid = (low + high) / 2;
            double[] adv = Evasion.pgd(m, params, x, y, mid, Evasion.Norm.L2, new Evasion.Pgd(20, 0.125, 1, UNIT),
                    new SplittableRandom(1));
            if (m.predict(params, adv) != y) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    @Test
    void carliniWagnerBeatsPgdAndLabelOnlyHopSkipJumpComesWithinTwiceItsDistanceOnDigits() throws IOException {
        TrainingData[] split = digits().split(0.2, new SplittableRandom(1));
        LogisticRegression m = new LogisticRegression(64, 10);
        double[] params = DpSgd.train(m, split[0], new DpSgd.Settings(30, 64, 0.5, 0.9, 100,
                Double.POSITIVE_INFINITY, 0), new SplittableRandom(2), DpRandom.insecureSeeded(3)).parameters();
        assertThat(m.accuracy(params, split[1])).isGreaterThan(0.9);
        int n = 60;
        double[] cw = new double[n];
        double[] pgd = new double[n];
        double[] hsj = new double[n];
        int found = 0;
        SplittableRandom random = new SplittableRandom(4);
        int k = 0;
        for (int i = 0; i < split[1].size() && k < n; i++) {
            double[] x = split[1].x()[i];
            int y = split[1].y()[i];
            if (m.predict(params, x) != y) {
                continue;
            }
            CarliniWagner.Result c = CarliniWagner.attack(m, params, x, y, CarliniWagner.Settings.standard(UNIT));
            found += c.success() && m.predict(params, c.adversarial()) != y ? 1 : 0;
            cw[k] = c.l2();
            pgd[k] = pgdMinimumL2(m, params, x, y);
            HopSkipJump.Result h = HopSkipJump.attack(q -> m.predict(params, q), x, y,
                    new HopSkipJump.Settings(40, 100, UNIT), random);
            assertThat(m.predict(params, h.adversarial())).isNotEqualTo(y);
            hsj[k] = h.l2();
            k++;
        }
        System.out.printf("digits softmax regression, %d points: C&W found %d, median L2 C&W %.4f, PGD-L2 %.4f, "
                + "HopSkipJump %.4f%n", n, found, median(cw), median(pgd), median(hsj));
        assertThat(found).isGreaterThanOrEqualTo((int) Math.ceil(0.95 * n));
        assertThat(median(cw)).isLessThanOrEqualTo(median(pgd));
        assertThat(median(hsj)).isLessThanOrEqualTo(2 * median(cw));
    }
}
