package dev.bastion.privacy.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.accounting.Accounting;
import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MstTest {
    @TempDir
    Path dir;

    private static Synthesizer.Synthesis synthesize(Table t, SynthesisPlan.Method m, double eps, long seed) {
        Domain domain = Domain.fromData(t);
        SynthesisPlan plan = SynthesisPlan.of(m, domain, eps, 1e-6, 8);
        return Synthesizer.run(t, domain, plan, 0, DpRandom.insecureSeeded(seed));
    }

    @Test
    void atVeryLargeEpsilonMstReproducesEveryMarginalItMeasured() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(20_000, 1));
        Synthesizer.Synthesis s = synthesize(real, SynthesisPlan.Method.MST, 1e5, 7);
        Table synthetic = SynthFixtures.write(dir, "syn.csv", s.columns(), s.rows());
        Domain domain = Domain.fromData(real);
        double[][] edges = new double[domain.size()][];
        for (int c = 0; c < domain.size(); c++) {
            edges[c] = s.numericEdges().get(c).length == 0 ? null : s.numericEdges().get(c);
        }
        Encoding enc = new Encoding(domain, edges);
        int[][] r = enc.encode(real);
        int[][] y = enc.encode(synthetic);
        assertThat(s.rows()).hasSize(20_000);
        assertThat(s.measured()).hasSize(5 + 4);
        for (Synthesizer.Measurement m : s.measured()) {
            int[] attrs = m.columns().stream().mapToInt(domain.names()::indexOf).toArray();
            double tv = Marginal.totalVariation(Marginal.count(r, enc.sizes(), attrs),
                    Marginal.count(y, enc.sizes(), attrs));
            // sampling error of 20,000 rows over at most 64 cells is about 0.02
            assertThat(tv).as("TV of %s", m.columns()).isLessThan(0.03);
        }
        // the chain region-job-age-income is found: those three edges are in the tree
        assertThat(s.tree()).anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("region", "job"))
                .anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("job", "age"))
                .anySatisfy(e -> assertThat(e).containsExactlyInAnyOrder("age", "income"));
    }

    @Test
    void theSameSeedGivesTheSameRowsAndAnotherSeedDoesNot() throws Exception {
        Table real = SynthFixtures.table(dir, "real.csv", SynthFixtures.rows(2_000, 2));
        Synthesizer.Synthesis a = synthesize(real, SynthesisPlan.Method.MST, 1, 11);
        Synthesizer.Synthesis b = synthesize(real, SynthesisPlan.Method.MST, 1, 11);
        Synthesizer.Synthesis c = synthesize(real, SynthesisPlan.Method.MST, 1, 12);
        assertThat(a.rows()).hasSameSizeAs(b.rows());
        for (int i = 0; i < a.rows().size(); i++) {
            assertThat(a.rows().get(i)).containsExactly(b.rows().get(i));
        }
        assertThat(a.rows().stream().map(List::of).toList()).isNotEqualTo(c.rows().stream().map(List::of).toList());
    }

    @Test
    // zCDP is the split's accountant; RDP or PLD may prove a little less than the target, never more
    void thePlanSpendsTheWholeBudgetAndNoMore() {
        Domain domain = new Domain(List.of(new Domain.Categorical("a", List.of("x", "y")),
                new Domain.Numeric("b", 0, 10, true), new Domain.Categorical("c", List.of("p", "q", "r"))), "test");
        for (SynthesisPlan.Method m : SynthesisPlan.Method.values()) {
            for (double eps : new double[] {0.1, 1, 10}) {
                SynthesisPlan plan = SynthesisPlan.of(m, domain, eps, 1e-6, 8);
                double spent = Accounting.standard().spent(plan.events(), 1e-6).epsilon();
                assertThat(spent).as("%s at %s", m, eps).isLessThanOrEqualTo(eps * (1 + 1e-9))
                        .isGreaterThan(eps * 0.8);
            }
        }
    }
}
