package dev.bastion.privacy.dp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.accounting.PrivacyEvent;
import java.io.StringReader;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpEngineTest {

    /** 2,000 people with ages 20..69 (mean 44.5), a department, and a user id that repeats for one heavy user. */
    private static Table people() throws Exception {
        StringBuilder csv = new StringBuilder("user,age,dept\n");
        for (int i = 0; i < 2000; i++) {
            csv.append("u").append(i).append(',').append(20 + i % 50).append(',').append(i % 3 == 0 ? "ops" : "eng")
                    .append('\n');
        }
        for (int i = 0; i < 500; i++) {
            csv.append("heavy,99,rare\n");
        }
        return Table.parse(new StringReader(csv.toString()), "people.csv");
    }

    private static DpRandom rnd(long seed) {
        return DpRandom.forTesting(new SplittableRandom(seed));
    }

    @Test
    void countBoundsEachUnitAndItsIntervalCoversTheBoundedTruth() throws Exception {
        DpQuery q = DpQuery.builder(DpQuery.Kind.COUNT).privacyUnit("user", 1).epsilon(1).build();
        int covered = 0;
        for (int seed = 0; seed < 200; seed++) {
            QueryResult r = DpEngine.run(people(), q, rnd(seed));
            if (r.rows().getFirst().interval().contains(2001)) {
                covered++;
            }
        }
        assertThat(covered).isGreaterThanOrEqualTo(180); // 95% nominal; heavy user counted once
        assertThat(q.events()).containsExactly(new PrivacyEvent.PureDp(1));
    }

    @Test
    void meanAndVarianceAreCloseAtLargeEpsilonAndClampedToBounds() throws Exception {
        Table t = people();
        DpQuery mean = DpQuery.builder(DpQuery.Kind.MEAN).column("age").privacyUnit("user", 1).bounds(0, 100)
                .epsilon(5).build();
        QueryResult r = DpEngine.run(t, mean, rnd(1));
        double truth = (2000 * 44.5 + 99) / 2001;
        assertThat(r.rows().getFirst().value()).isBetween(truth - 1, truth + 1);
        assertThat(r.rows().getFirst().interval().contains(truth)).isTrue();
        DpQuery variance = DpQuery.builder(DpQuery.Kind.VARIANCE).column("age").bounds(0, 100).epsilon(5).build();
        QueryResult v = DpEngine.run(t, variance, rnd(2));
        // no privacy unit: all 2,500 rows count; true variance 642.2
        assertThat(v.rows().getFirst().value()).isBetween(600.0, 690.0);
        assertThat(v.rows().getFirst().interval().contains(642.24)).isTrue();
        assertThat(variance.events()).hasSize(3);
    }

    @Test
    void gaussianSumUsesTheAnalyticCalibration() throws Exception {
        DpQuery sum = DpQuery.builder(DpQuery.Kind.SUM).column("age").privacyUnit("user", 1).bounds(0, 100)
                .epsilon(1).delta(1e-6).mechanism(DpQuery.Mechanism.GAUSSIAN).build();
        double truth = 2000 * 44.5 + 99;
        QueryResult r = DpEngine.run(people(), sum, rnd(3));
        assertThat(r.rows().getFirst().interval().contains(truth)).isTrue();
        PrivacyEvent.Gaussian g = (PrivacyEvent.Gaussian) sum.events().getFirst();
        assertThat(Noise.Gaussian.gaussianDelta(1, g.noiseMultiplier())).isLessThanOrEqualTo(1e-6);
        assertThat(Noise.Gaussian.gaussianDelta(1, g.noiseMultiplier() * 0.99)).isGreaterThan(1e-6);
    }

    @Test
    void medianIsWithinItsIntervalAndTheIntervalUsuallyCoversTheTruth() throws Exception {
        DpQuery median = DpQuery.builder(DpQuery.Kind.QUANTILE).column("age").privacyUnit("user", 1).bounds(0, 128)
                .quantile(0.5).epsilon(1).build();
        int covered = 0;
        for (int seed = 0; seed < 50; seed++) {
            QueryResult.Row row = DpEngine.run(people(), median, rnd(seed)).rows().getFirst();
            assertThat(row.interval().contains(row.value())).isTrue();
            assertThat(row.value()).isBetween(40.0, 50.0);
            if (row.interval().contains(44.5)) {
                covered++;
            }
        }
        assertThat(covered).isGreaterThanOrEqualTo(47);
    }

    @Test
    void groupByReleasesLargeGroupsAndSuppressesAGroupOfOneUnit() throws Exception {
        DpQuery q = DpQuery.builder(DpQuery.Kind.COUNT).groupBy("dept").privacyUnit("user", 5).epsilon(1)
                .delta(1e-6).build();
        for (int seed = 0; seed < 20; seed++) {
            List<QueryResult.Row> rows = DpEngine.run(people(), q, rnd(seed)).rows();
            assertThat(rows).extracting(QueryResult.Row::key).containsExactly("eng", "ops");
        }
        assertThat(q.events()).containsExactly(new PrivacyEvent.Approximate(1, 1e-6));
    }

    @Test
    void groupByMeanSpendsHalfOnSelectionAndHalfOnSums() throws Exception {
        DpQuery q = DpQuery.builder(DpQuery.Kind.MEAN).column("age").groupBy("dept").privacyUnit("user", 1)
                .bounds(0, 100).epsilon(2)
                .delta(1e-6).build();
        List<QueryResult.Row> rows = DpEngine.run(people(), q, rnd(4)).rows();
        assertThat(rows).hasSize(2);
        for (QueryResult.Row r : rows) {
            assertThat(r.value()).isBetween(40.0, 50.0);
        }
        assertThat(q.events()).containsExactly(new PrivacyEvent.Approximate(1, 1e-6), new PrivacyEvent.PureDp(1));
    }

    @Test
    void histogramOverPublicBinsReleasesEveryBin() throws Exception {
        DpQuery q = DpQuery.builder(DpQuery.Kind.HISTOGRAM).column("age").bounds(0, 100).bins(4).epsilon(1).build();
        List<QueryResult.Row> rows = DpEngine.run(people(), q, rnd(5)).rows();
        assertThat(rows).extracting(QueryResult.Row::key).containsExactly("[0, 25)", "[25, 50)", "[50, 75)",
                "[75, 100]");
        assertThat(rows.get(0).value()).isBetween(180.0, 220.0); // ages 20..24: 200 people
    }

    @Test
    void invalidQueriesListEveryProblem() {
        assertThatThrownBy(() -> DpQuery.builder(DpQuery.Kind.SUM).epsilon(-1).build())
                .hasMessageContaining("epsilon must be a positive number")
                .hasMessageContaining("sum needs a column")
                .hasMessageContaining("bounds");
        assertThatThrownBy(() -> DpQuery.builder(DpQuery.Kind.COUNT).groupBy("dept").epsilon(1).build())
                .hasMessageContaining("needs delta > 0");
    }

    @Test
    void malformedCsvIsRefusedWithItsLine() {
        assertThatThrownBy(() -> Table.parse(new StringReader("a,b\n1,2\n3\n"), "x.csv"))
                .hasMessage("x.csv line 3: 1 cells, but the header has 2");
        assertThatThrownBy(() -> Table.parse(new StringReader("a,b\n\"1,2\n"), "x.csv"))
                .hasMessageContaining("unterminated quoted cell");
        assertThatThrownBy(() -> Table.parse(new StringReader(""), "x.csv")).hasMessageContaining("empty");
    }

    @Test
    void nonNumericCellsInANumericQueryAreRefusedWithoutShowingThem() throws Exception {
        Table t = Table.parse(new StringReader("age\n31\nsecret-value\n"), "t.csv");
        DpQuery q = DpQuery.builder(DpQuery.Kind.SUM).column("age").bounds(0, 100).epsilon(1).build();
        assertThatThrownBy(() -> DpEngine.run(t, q, rnd(1))).hasMessageContaining("not numbers")
                .hasMessageNotContaining("secret-value");
    }

    @Test
    void headerlessCsvGetsNumberedColumns() throws Exception {
        Table t = Table.parse(new StringReader("1,2\n3,4\n"), "h.csv", false);
        assertThat(t.columns()).containsExactly("c1", "c2");
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.number(1, 1)).isEqualTo(4.0);
    }
}
