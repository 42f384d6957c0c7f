package dev.bastion.privacy.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.dp.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AnonymizerTest {

    /** Ages 20-79 in 5- and 10-year bands, then "*". */
    static Hierarchy ages() {
        List<String[]> rows = new ArrayList<>();
        for (int a = 20; a < 80; a++) {
            int five = a / 5 * 5;
            int ten = a / 10 * 10;
            rows.add(new String[] {Integer.toString(a), five + "-" + (five + 4), ten + "-" + (ten + 9), "*"});
        }
        return Hierarchy.of("age", rows, "ages");
    }

    static Hierarchy zips() {
        List<String[]> rows = new ArrayList<>();
        for (int z = 0; z < 20; z++) {
            String zip = "130" + (z < 10 ? "0" : "") + z;
            rows.add(new String[] {zip, zip.substring(0, 4) + "*", zip.substring(0, 3) + "**", "*"});
        }
        return Hierarchy.of("zip", rows, "zips");
    }

    static Hierarchy sexes() {
        return Hierarchy.of("sex", List.of(new String[] {"F", "*"}, new String[] {"M", "*"}), "sexes");
    }

    static Table people(int n, long seed) {
        Random random = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        String[] diseases = {"flu", "asthma", "diabetes", "cancer"};
        for (int i = 0; i < n; i++) {
            int z = random.nextInt(20);
            rows.add(new String[] {Integer.toString(20 + random.nextInt(60)), random.nextBoolean() ? "F" : "M",
                    "130" + (z < 10 ? "0" : "") + z, diseases[random.nextInt(diseases.length)]});
        }
        return Table.of(List.of("age", "sex", "zip", "disease"), rows);
    }

    static Anonymizer anonymizer(Table t, int k, double suppression) {
        return new Anonymizer(t, List.of("age", "sex", "zip"), List.of(ages(), sexes(), zips()),
                new Anonymizer.Criteria(k, 1, 1, Optional.empty(), suppression));
    }

    @Test
    void kFiveGivesClassesOfAtLeastFiveAndSuppressesWithinTheLimit() {
        Table t = people(2_000, 1);
        Anonymizer a = anonymizer(t, 5, 0.05);
        Anonymizer.Anonymised best = (Anonymizer.Anonymised) a.search();
        EquivalenceClasses released = a.release(best.levels()).classes();
        assertThat(released.smallest()).isGreaterThanOrEqualTo(5);
        assertThat(best.suppressed()).isLessThanOrEqualTo(100).isEqualTo(t.size() - released.rows());
        List<String[]> rows = a.release(best.levels()).rows();
        long starred = rows.stream().filter(r -> r[0].equals("*") && r[1].equals("*") && r[2].equals("*")).count();
        assertThat(starred).isGreaterThanOrEqualTo(best.suppressed());
        assertThat(rows).allSatisfy(r -> assertThat(r[3]).isIn("flu", "asthma", "diabetes", "cancer"));
    }

    @Test
    void theSearchPrunesNodesAndStillFindsTheExhaustiveOptimum() {
        Table t = people(1_500, 2);
        Anonymizer a = anonymizer(t, 10, 0.02);
        Anonymizer.Anonymised pruned = (Anonymizer.Anonymised) a.search();
        Anonymizer.Anonymised all = (Anonymizer.Anonymised) a.exhaustive();
        assertThat(pruned.levels()).isEqualTo(all.levels());
        assertThat(pruned.loss()).isEqualTo(all.loss());
        assertThat(all.grouped()).isEqualTo(4 * 2 * 4);
        assertThat(pruned.grouped()).isLessThan(all.grouped());
    }

    @Property(tries = 40)
    void onRandomSmallTablesTheSearchEqualsBruteForce(@ForAll @IntRange(min = 20, max = 400) int n,
            @ForAll @IntRange(min = 1, max = 12) int k, @ForAll @IntRange(min = 0, max = 20) int suppressionPercent,
            @ForAll long seed) {
        Table t = people(n, seed);
        Anonymizer a = anonymizer(t, k, suppressionPercent / 100.0);
        Anonymizer.Outcome pruned = a.search();
        Anonymizer.Outcome all = a.exhaustive();
        if (all instanceof Anonymizer.Anonymised best) {
            assertThat(pruned).isInstanceOf(Anonymizer.Anonymised.class);
            assertThat(((Anonymizer.Anonymised) pruned).loss()).isEqualTo(best.loss());
            assertThat(((Anonymizer.Anonymised) pruned).levels()).isEqualTo(best.levels());
        } else {
            assertThat(pruned).isInstanceOf(Anonymizer.Impossible.class);
        }
    }

    @Property(tries = 40)
    void generalisingFurtherNeverLowersK(@ForAll @IntRange(min = 20, max = 300) int n, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 2) int age, @ForAll @IntRange(min = 0, max = 0) int sex,
            @ForAll @IntRange(min = 0, max = 2) int zip, @ForAll @IntRange(min = 0, max = 2) int which) {
        Table t = people(n, seed);
        EncodedQuasiIdentifiers e = new EncodedQuasiIdentifiers(t, List.of("age", "sex", "zip"),
                List.of(ages(), sexes(), zips()));
        int[] lower = {age, sex, zip};
        int[] higher = lower.clone();
        higher[which]++;
        assertThat(e.classesAt(higher).smallest()).isGreaterThanOrEqualTo(e.classesAt(lower).smallest());
        assertThat(e.lowerBound(higher)).isGreaterThanOrEqualTo(e.lowerBound(lower));
    }

    @Test
    void theSameInputGivesTheSameOutput() {
        Table t = people(800, 3);
        Anonymizer.Anonymised first = (Anonymizer.Anonymised) anonymizer(t, 5, 0.05).search();
        Anonymizer.Anonymised second = (Anonymizer.Anonymised) anonymizer(t, 5, 0.05).search();
        assertThat(first.levels()).isEqualTo(second.levels());
        List<String[]> a = anonymizer(t, 5, 0.05).release(first.levels()).rows();
        List<String[]> b = anonymizer(t, 5, 0.05).release(second.levels()).rows();
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i));
        }
    }

    @Test
    void lDiversityKeepsOnlyClassesWithEnoughDistinctSensitiveValues() {
        Table t = people(2_000, 4);
        Anonymizer a = new Anonymizer(t, List.of("age", "sex", "zip"), List.of(ages(), sexes(), zips()),
                new Anonymizer.Criteria(5, 3, 1, Optional.of("disease"), 0.05));
        Anonymizer.Anonymised best = (Anonymizer.Anonymised) a.search();
        EquivalenceClasses released = a.release(best.levels()).classes();
        SensitiveDiversity d = SensitiveDiversity.of(released, r -> t.cell(r, 3));
        assertThat(d.distinctL()).isGreaterThanOrEqualTo(3);
        assertThat(released.smallest()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void tClosenessBoundsEveryReleasedClass() {
        Table t = people(2_000, 5);
        Anonymizer a = new Anonymizer(t, List.of("age", "sex", "zip"), List.of(ages(), sexes(), zips()),
                new Anonymizer.Criteria(2, 1, 0.2, Optional.of("disease"), 0.05));
        Anonymizer.Anonymised best = (Anonymizer.Anonymised) a.search();
        SensitiveDiversity.PerClass p = SensitiveDiversity.perClass(a.release(best.levels()).classes(),
                r -> t.cell(r, 3));
        assertThat(Arrays.stream(p.t()).max().orElse(0)).isLessThanOrEqualTo(0.2 + 1e-12);
    }

    @Test
    void criteriaNoNodeCanMeetAreReportedAsImpossible() {
        Table t = people(30, 6);
        Anonymizer.Outcome o = anonymizer(t, 31, 0).search();
        assertThat(o).isInstanceOf(Anonymizer.Impossible.class);
    }

    @Test
    void aValueMissingFromItsHierarchyIsRefusedWithItsRowNotItsValue() {
        List<String[]> one = new ArrayList<>();
        one.add(new String[] {"19", "F", "13000"});
        Table t = Table.of(List.of("age", "sex", "zip"), one);
        assertThatThrownBy(() -> anonymizer(t, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 2").hasMessageContaining("'age'").hasMessageNotContaining("19");
    }

    @Test
    void aHierarchyThatIsNotATreeOrHasUnevenLinesIsRefused() {
        assertThatThrownBy(() -> Hierarchy.of("age", List.of(new String[] {"34", "30-39", "*"},
                new String[] {"35", "30-39", "x"}), "h.csv")).hasMessageContaining("must be a tree");
        assertThatThrownBy(() -> Hierarchy.of("age", List.of(new String[] {"34", "30-39", "*"},
                new String[] {"35", "*"}), "h.csv")).hasMessageContaining("h.csv line 2");
    }

    @Test
    void utilityIsZeroForTheOriginalAndGrowsWithGeneralisation() {
        Table t = people(500, 7);
        Anonymizer a = anonymizer(t, 1, 0);
        int[] qi = {0, 1, 2};
        List<String[]> original = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            original.add(t.row(r));
        }
        List<Hierarchy> hs = List.of(ages(), sexes(), zips());
        int[] none = {0, 0, 0};
        Utility u0 = Utility.measure(original, a.release(none).rows(), qi, hs, none, a.release(none).classes());
        int[] some = {2, 1, 1};
        Utility u1 = Utility.measure(original, a.release(some).rows(), qi, hs, some, a.release(some).classes());
        assertThat(u0.generalisationLoss()).isZero();
        assertThat(u0.nonUniformEntropy()).isZero();
        assertThat(u1.generalisationLoss()).isGreaterThan(0.3);
        assertThat(u1.nonUniformEntropy()).isGreaterThan(1);
        assertThat(u1.discernibility()).isGreaterThan(u0.discernibility());
    }
}
