package dev.bastion.privacy.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.dp.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FairnessReportTest {

    /** Rows reproducing a confusion matrix for one group. */
    static void add(List<boolean[]> rows, List<String> groups, String group, int tp, int fp, int fn, int tn) {
        for (int i = 0; i < tp; i++) {
            rows.add(new boolean[] {true, true});
            groups.add(group);
        }
        for (int i = 0; i < fp; i++) {
            rows.add(new boolean[] {false, true});
            groups.add(group);
        }
        for (int i = 0; i < fn; i++) {
            rows.add(new boolean[] {true, false});
            groups.add(group);
        }
        for (int i = 0; i < tn; i++) {
            rows.add(new boolean[] {false, false});
            groups.add(group);
        }
    }

    @Test
    void proPublicasCompasTablesGiveTheirPublishedErrorRates() {
        List<boolean[]> rows = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        add(rows, groups, "African-American", 1369, 805, 532, 990);
        add(rows, groups, "Caucasian", 505, 349, 461, 1139);
        boolean[] outcome = new boolean[rows.size()];
        boolean[] decision = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            outcome[i] = rows.get(i)[0];
            decision[i] = rows.get(i)[1];
        }
        FairnessReport r = FairnessReport.measure(outcome, decision, groups.toArray(String[]::new), "Caucasian",
                200, 1);
        Confusion black = r.groups().get("African-American").confusion();
        Confusion white = r.groups().get("Caucasian").confusion();
        assertThat(black.fpr()).isCloseTo(0.4485, within(0.00005));
        assertThat(white.fpr()).isCloseTo(0.2345, within(0.00005));
        assertThat(black.fnr()).isCloseTo(0.2799, within(0.00005));
        assertThat(white.fnr()).isCloseTo(0.4772, within(0.00005));
        assertThat(r.equalizedOddsDifference()).isCloseTo(Math.max(0.4485 - 0.2345, 0.7201 - 0.5228),
                within(0.0002));
        double[] ci = r.groups().get("African-American").intervals().get("fpr");
        assertThat(ci[0]).isLessThan(black.fpr());
        assertThat(ci[1]).isGreaterThan(black.fpr());
        assertThat(ci[1] - ci[0]).isLessThan(0.06);
    }

    @Test
    void adultsIncomeLabelFavoursMenAndFailsTheFourFifthsRule() throws Exception {
        Path adult = Path.of("..", "..", "shared", "eval-data", "tabular_fairness_adult_german_compas",
                "fairness__data__raw__adult.csv").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(adult), "the shared Adult data is not beside the project");
        Table t = Table.read(adult);
        int label = t.index("income-per-year");
        int sex = t.index("sex");
        boolean[] high = new boolean[t.size()];
        String[] group = new String[t.size()];
        for (int r = 0; r < t.size(); r++) {
            high[r] = t.cell(r, label).equals(">50K");
            group[r] = t.cell(r, sex);
        }
        FairnessReport r = FairnessReport.measure(high, high, group, "Male", 0, 1);
        assertThat(r.groups().get("Male").confusion().selectionRate()).isCloseTo(0.3057, within(0.00005));
        assertThat(r.groups().get("Female").confusion().selectionRate()).isCloseTo(0.1095, within(0.00005));
        assertThat(r.versusPrivileged().get("Female")[0]).isCloseTo(-0.1963, within(0.00005));
        assertThat(r.versusPrivileged().get("Female")[1]).isCloseTo(0.358, within(0.0005));
        assertThat(r.fourFifths()).containsExactly("Female");

        double[] w = Reweighing.weights(high, group);
        Map<String, Double> weighted = Reweighing.weightedBaseRates(high, group, w);
        assertThat(weighted.get("Female")).isCloseTo(weighted.get("Male"), within(1e-12));
        assertThat(weighted.get("Male")).isCloseTo(FairnessReport.measure(high, high, group, null, 0, 1)
                .groups().values().stream().mapToLong(g -> g.confusion().tp()).sum() / (double) t.size(),
                within(1e-12));
    }

    @Test
    void aRateWithNoDenominatorIsNotANumberRatherThanZero() {
        Confusion onlyNegatives = new Confusion(0, 3, 0, 7);
        assertThat(onlyNegatives.tpr()).isNaN();
        assertThat(onlyNegatives.fpr()).isEqualTo(0.3);
    }
}
