package dev.bastion.privacy.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.accounting.PrivacyEvent;
import dev.bastion.privacy.accounting.ZcdpAccountant;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AimTest {
    @TempDir
    Path dir;

    private static Synthesizer.Synthesis synthesize(Table t, double eps, long seed) {
        Domain domain = Domain.fromData(t);
        SynthesisPlan plan = SynthesisPlan.of(SynthesisPlan.Method.AIM, domain, eps, 1e-6, 8);
        return Synthesizer.run(t, domain, plan, 0, DpRandom.insecureSeeded(seed));
    }

    @Test
    void theRoundsActuallyRunSpendExactlyTheChargedBudget() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(3_000, 3));
        ZcdpAccountant zcdp = new ZcdpAccountant();
        for (double eps : new double[] {0.3, 1, 10}) {
            Synthesizer.Synthesis s = synthesize(real, eps, 5);
            SynthesisPlan plan = s.plan();
            // the charge: one (eps, delta) event, which every accountant books as exactly eps
            assertThat(plan.events()).containsExactly(new PrivacyEvent.Approximate(eps, 1e-6));
            assertThat(Accounting.standard().spent(plan.events(), 1e-6).epsilon()).isCloseTo(eps, within(1e-12));
            // what ran: bins, 1-way marginals, then a selection and a measurement per round, rho in total
            assertThat(s.events()).hasSize(1 + 5 + 2 * s.rounds());
            assertThat(s.rounds()).isPositive();
            assertThat(zcdp.rho(s.events())).as("rho at %s", eps).isCloseTo(plan.rho(), within(plan.rho() * 1e-9));
            assertThat(zcdp.epsilon(s.events(), 1e-6)).isLessThanOrEqualTo(eps * (1 + 1e-9))
                    .isGreaterThan(eps * 0.999);
            // every Gaussian event ran as a measurement listed in the record (bins are not marginals)
            long gaussians = s.events().stream().filter(e -> e instanceof PrivacyEvent.Gaussian).count();
            assertThat(s.measured()).hasSize((int) gaussians - 1);
        }
    }

    @Test
    void annealingSpendsMoreOnLaterRoundsWhenTheModelStopsLearning() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(3_000, 4));
        Synthesizer.Synthesis s = synthesize(real, 3, 9);
        List<Double> sigmas = s.events().stream().filter(e -> e instanceof PrivacyEvent.Gaussian)
                .map(e -> ((PrivacyEvent.Gaussian) e).noiseMultiplier()).skip(1).toList();
        double first = sigmas.getFirst();
        // halved at least once before the last round, and the plan's first sigma is the one the rounds started with
        assertThat(sigmas.subList(0, sigmas.size() - 1)).anySatisfy(z -> assertThat(z).isLessThan(first * 0.51));
        assertThat(first).isCloseTo(s.plan().oneWayMultiplier(), within(1e-12));
        assertThat(s.rounds()).isLessThan(Aim.plannedRounds(5));
    }

    @Test
    void theSameSeedGivesTheSameRowsAndAnotherSeedDoesNot() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(2_000, 2));
        Synthesizer.Synthesis a = synthesize(real, 1, 11);
        Synthesizer.Synthesis b = synthesize(real, 1, 11);
        Synthesizer.Synthesis c = synthesize(real, 1, 12);
        assertThat(a.rows().stream().map(List::of).toList()).isEqualTo(b.rows().stream().map(List::of).toList());
        assertThat(a.events()).isEqualTo(b.events());
        assertThat(a.rows().stream().map(List::of).toList()).isNotEqualTo(c.rows().stream().map(List::of).toList());
    }

    @Test
    void atLargeEpsilonTheOutputKeepsTheInputsMarginalsAndFindsThePlantedChain() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(20_000, 1));
        Synthesizer.Synthesis s = synthesize(real, 1e4, 7);
        Table synthetic = SynthFixtures.write(dir, "syn.csv", s.columns(), s.rows());
        Domain domain = Domain.fromData(real);
        double[][] edges = new double[domain.size()][];
        for (int c = 0; c < domain.size(); c++) {
            edges[c] = s.numericEdges().get(c).length == 0 ? null : s.numericEdges().get(c);
        }
        Encoding enc = new Encoding(domain, edges);
        int[][] r = enc.encode(real);
        int[][] y = enc.encode(synthetic);
        for (int a = 0; a < domain.size(); a++) {
            assertThat(tv(r, y, enc.sizes(), a)).as("1-way TV of %s", a).isLessThan(0.02);
        }
        // the chain's three links are modelled, so their 2-way marginals survive up to sampling error
        assertThat(s.tree()).anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("region", "job"))
                .anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("job", "age"))
                .anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("age", "income"));
        for (List<String> e : s.tree()) {
            int a = domain.names().indexOf(e.get(0));
            int b = domain.names().indexOf(e.get(1));
            assertThat(tv(r, y, enc.sizes(), a, b)).as("2-way TV of %s", e).isLessThan(0.03);
        }
    }

    @Test
    void atLargeEpsilonAimReproducesAllThreePairsOfACycleWhichNoTreeCan() throws Exception {
        Table real = SynthFixtures.write(dir, "cycle.csv", SynthFixtures.CYCLE, SynthFixtures.cycle(20_000, 3));
        Synthesizer.Synthesis s = synthesize(real, 1e4, 13);
        Table synthetic = SynthFixtures.write(dir, "syn.csv", s.columns(), s.rows());
        Domain domain = Domain.fromData(real);
        Encoding enc = new Encoding(domain, new double[domain.size()][]);
        int[][] r = enc.encode(real);
        int[][] y = enc.encode(synthetic);
        // a tree over a, b, c leaves one pair to be predicted through the other two: TV 0.11 or more here
        for (int[] pair : new int[][] {{0, 1}, {1, 2}, {0, 2}}) {
            assertThat(tv(r, y, enc.sizes(), pair)).as("2-way TV of %s", List.of(pair[0], pair[1]))
                    .isLessThan(0.02);
        }
        assertThat(tv(r, y, enc.sizes(), 0, 1, 2)).as("3-way TV of a, b, c").isLessThan(0.02);
    }

    @Test
    void withTheThreeWayWorkloadAimMeasuresTheCyclesTripleAndKeepsItsJointDistribution() throws Exception {
        Table real = SynthFixtures.write(dir, "cycle.csv", SynthFixtures.CYCLE, SynthFixtures.cycle(20_000, 4));
        Domain domain = Domain.fromData(real);
        SynthesisPlan plan = SynthesisPlan.of(SynthesisPlan.Method.AIM, domain, 1e4, 1e-6, 8, 3);
        Synthesizer.Synthesis s = Synthesizer.run(real, domain, plan, 0, DpRandom.insecureSeeded(17));
        assertThat(s.tree()).anySatisfy(set -> assertThat(set).hasSize(3));
        Table synthetic = SynthFixtures.write(dir, "syn.csv", s.columns(), s.rows());
        Encoding enc = new Encoding(domain, new double[domain.size()][]);
        assertThat(tv(enc.encode(real), enc.encode(synthetic), enc.sizes(), 0, 1, 2)).isLessThan(0.02);
        assertThat(plan.describe()).endsWith("workload=3");
    }

    @Test
    void noCandidateGrowsTheJunctionTreeBeyondTheSizeLimit() throws Exception {
        // region (4) x job (3) x age (48 values, 8 bins) x income (2) x pet (3): the planted chain wants cliques of
        // 12, 24 and 16 cells, 55 with pet's 3: with a limit of 40 cells the chain cannot be completed
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(5_000, 6));
        Domain domain = Domain.fromData(real);
        Encoding enc = DpBins.release(real, domain, 8, 1.0, DpRandom.insecureSeeded(1));
        int[][] codes = enc.encode(real);
        Aim.Fit limited = Aim.run(codes, enc.sizes(), 10, 2, 40, DpRandom.insecureSeeded(2));
        Aim.Fit free = Aim.run(codes, enc.sizes(), 10, 2, DpRandom.insecureSeeded(2));
        assertThat(limited.model().tree().size()).isLessThanOrEqualTo(40);
        assertThat(free.model().tree().size()).isGreaterThan(40);
        assertThat(limited.rounds()).isPositive();
    }

    private static double tv(int[][] real, int[][] synthetic, int[] sizes, int... attributes) {
        return Marginal.totalVariation(Marginal.count(real, sizes, attributes),
                Marginal.count(synthetic, sizes, attributes));
    }
}
