package dev.bastion.privacy.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import dev.bastion.privacy.train.DpSgd;
import dev.bastion.privacy.train.Mlp;
import dev.bastion.privacy.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConstraintsTest {
    static final Set<String> IMMUTABLE = Set.of("age", "sex", "race");

    /** Adult-like rows: integer age and hours, a continuous gain, four categorical columns, income by all of them. */
    static Table adultLike(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] education = {"HS-grad", "Some-college", "Bachelors", "Masters", "Doctorate"};
        String[] race = {"White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"};
        String[] work = {"Private", "Self-emp", "Federal-gov", "Local-gov"};
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int age = 17 + r.nextInt(74);
            int hours = 10 + r.nextInt(60);
            int edu = r.nextInt(education.length);
            boolean male = r.nextBoolean();
            double gain = r.nextDouble() < 0.1 ? r.nextDouble(1000, 20000) : 0;
            double score = 0.04 * (age - 40) + 0.05 * (hours - 40) + 0.6 * (edu - 2) + (male ? 0.7 : -0.7)
                    + gain / 5000 + r.nextGaussian() * 0.8;
            rows.add(new String[] {String.valueOf(age), work[r.nextInt(work.length)], education[edu],
                    race[r.nextInt(race.length)], male ? "Male" : "Female", String.valueOf(hours),
                    String.format(Locale.ROOT, "%.2f", gain), score > 0 ? ">50K" : "<=50K"});
        }
        return Table.of(List.of("age", "workclass", "education", "race", "sex", "hours", "gain", "income"), rows);
    }

    @Test
    void everyRowOfAConstrainedPgdRunIsFeasibleAndKeepsItsImmutableColumns() {
        Table table = adultLike(1500, 1);
        TrainingData data = TrainingData.fromTable(table, "income");
        Constraints c = Constraints.of(table, "income", IMMUTABLE);
        TrainingData[] split = data.split(0.2, new SplittableRandom(2));
        Mlp model = new Mlp(data.dimensions(), 16, 2);
        double[] params = DpSgd.train(model, split[0], new DpSgd.Settings(15, 64, 0.1, 0.9, 100,
                Double.POSITIVE_INFINITY, 0), new SplittableRandom(3), DpRandom.insecureSeeded(4)).parameters();
        double[][] xs = split[1].x();
        int[] ys = split[1].y();
        double clean = model.accuracy(params, split[1]);
        assertThat(clean).isGreaterThan(0.75);
        for (double eps : new double[] {0.25, 0.5, 1.0}) {
            Evasion.Pgd s = new Evasion.Pgd(20, 2.5 / 20, 1, null);
            SplittableRandom ra = new SplittableRandom(5);
            SplittableRandom rb = new SplittableRandom(5);
            int infeasibleFree = 0;
            int rightConstrained = 0;
            int rightFree = 0;
            for (int i = 0; i < xs.length; i++) {
                double[] free = Evasion.pgd(model, params, xs[i], ys[i], eps, Evasion.Norm.LINF, s, ra);
                double[] held = Evasion.pgd(model, params, xs[i], ys[i], eps, Evasion.Norm.LINF, s, c, rb);
                assertThat(c.violations(held, xs[i])).as("row %d at eps %s", i, eps).isEmpty();
                assertThat(held[0]).isEqualTo(xs[i][0]); // age
                infeasibleFree += c.violations(free, xs[i]).isEmpty() ? 0 : 1;
                rightConstrained += model.predict(params, held) == ys[i] ? 1 : 0;
                rightFree += model.predict(params, free) == ys[i] ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "adult-like MLP, PGD-20 L-inf %.2f: clean %.4f, robust %.4f unconstrained "
                    + "(%d of %d rows infeasible), %.4f constrained%n", eps, clean, (double) rightFree / xs.length,
                    infeasibleFree, xs.length, (double) rightConstrained / xs.length);
            assertThat(infeasibleFree).isGreaterThan(xs.length / 2);
            assertThat(rightConstrained).isGreaterThanOrEqualTo(rightFree);
        }
    }

    @Test
    void projectionPicksTheArgMaxCategoryRoundsIntegersAndClampsToTheDataRange() {
        Table table = Table.of(List.of("age", "colour", "y"), List.of(new String[] {"20", "red", "a"},
                new String[] {"40", "blue", "b"}, new String[] {"60", "green", "a"}));
        Constraints c = Constraints.of(table, "y", Set.of());
        // age: mean 40, std sqrt(800/3) = 16.33; colour: blue, green, red
        Constraints.Numeric age = (Constraints.Numeric) c.blocks().get(0);
        double[] original = {age.encode(40), 1, 0, 0};
        double[] adv = {age.encode(47.4), 0.2, 0.7, 0.3};
        c.project(adv, original, 10, Evasion.Norm.LINF);
        assertThat(age.decode(adv[0])).isCloseTo(47, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(adv).containsExactly(adv[0], 0, 1, 0);
        double[] far = {age.encode(95), 0.4, 0.4, 0.1};
        c.project(far, original, 10, Evasion.Norm.LINF);
        assertThat(age.decode(far[0])).isCloseTo(60, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.violations(far, original)).isEmpty();
        assertThat(c.violations(new double[] {age.encode(40.5), 0.5, 0.5, 0}, original))
                .containsExactly("age: not an integer", "colour: not one category");
    }

    @Test
    void roundingThatWouldLeaveTheEpsilonBallGoesTowardsTheOriginalInstead() {
        Table table = Table.of(List.of("n", "y"), List.of(new String[] {"0", "a"}, new String[] {"10", "b"}));
        Constraints c = Constraints.of(table, "y", Set.of());
        Constraints.Numeric n = (Constraints.Numeric) c.blocks().get(0); // std 5: one unit is 0.2
        double[] original = {n.encode(4)};
        double[] adv = {n.encode(4.7)}; // nearest integer 5 is 0.2 away, beyond an epsilon of 0.15
        c.project(adv, original, 0.15, Evasion.Norm.LINF);
        assertThat(n.decode(adv[0])).isCloseTo(4, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aBoundaryPointThatRoundsBackIsPushedFurtherUntilItsFeasibleRowFlips() {
        Table table = Table.of(List.of("n", "y"), List.of(new String[] {"0", "a"}, new String[] {"10", "b"}));
        Constraints c = Constraints.of(table, "y", Set.of());
        Constraints.Numeric n = (Constraints.Numeric) c.blocks().get(0);
        // The label flips at n >= 6.5: an attack result at 6.6 rounds to 7 and flips; one at 6.45 rounds back to 6
        java.util.function.Function<double[], Integer> label = v -> n.decode(v[0]) >= 6.5 ? 1 : 0;
        double[] x = {n.encode(4)};
        double flip = c.feasibleFlipL2(label, x, 0, new double[] {n.encode(6.6)}, true);
        assertThat(flip).isCloseTo(n.encode(7) - n.encode(4), org.assertj.core.data.Offset.offset(1e-9));
        double pushed = c.feasibleFlipL2(label, x, 0, new double[] {n.encode(6.45)}, true); // 6 fails, 1.25x: 7.06
        assertThat(pushed).isCloseTo(n.encode(7) - n.encode(4), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.feasibleFlipL2(label, x, 0, x, false)).isInfinite();
    }

    @Test
    void anImmutableColumnThatIsNotInTheTableIsAnError() {
        Table table = adultLike(10, 1);
        assertThatThrownBy(() -> Constraints.of(table, "income", Set.of("gender")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gender");
    }
}
