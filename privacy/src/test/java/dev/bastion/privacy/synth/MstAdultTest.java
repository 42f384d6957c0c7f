package dev.bastion.privacy.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.privacy.dp.DpRandom;
import dev.bastion.privacy.dp.Table;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On the shared Adult data (32,561 rows, 15 columns); skipped when the file is absent. */
class MstAdultTest {
    @TempDir
    Path dir;

    private Fidelity fidelity(Table adult, SynthesisPlan.Method method, double epsilon, long seed) throws Exception {
        Domain domain = Domain.fromData(adult);
        SynthesisPlan plan = SynthesisPlan.of(method, domain, epsilon, 1e-6, SynthesisPlan.DEFAULT_BINS);
        Synthesizer.Synthesis s = Synthesizer.run(adult, domain, plan, adult.size(), DpRandom.insecureSeeded(seed));
        Table synthetic = SynthFixtures.write(dir, method + ".csv", s.columns(), s.rows());
        Fidelity f = Fidelity.of(adult, synthetic);
        System.out.printf("adult %s eps=%s: 1-way TV %.4f, 2-way %.4f, 3-way %.4f%n", method, epsilon, f.oneWay(),
                f.twoWay(), f.threeWay());
        return f;
    }

    @Test
    void atEpsilonOneMstBeatsIndependentMarginalsOnTwoWayTotalVariation() throws Exception {
        Assumptions.assumeTrue(SynthFixtures.adultPresent(), "no " + SynthFixtures.ADULT);
        Table adult = Table.read(SynthFixtures.ADULT);
        Fidelity mst = fidelity(adult, SynthesisPlan.Method.MST, 1, 1);
        Fidelity independent = fidelity(adult, SynthesisPlan.Method.INDEPENDENT, 1, 1);
        assertThat(mst.twoWay()).isLessThan(independent.twoWay());
        assertThat(mst.threeWay()).isLessThan(independent.threeWay());
    }

    @Test
    void atEpsilonOneAimBeatsIndependentMarginalsOnTwoWayTotalVariation() throws Exception {
        Assumptions.assumeTrue(SynthFixtures.adultPresent(), "no " + SynthFixtures.ADULT);
        Table adult = Table.read(SynthFixtures.ADULT);
        Fidelity aim = fidelity(adult, SynthesisPlan.Method.AIM, 1, 1);
        Fidelity independent = fidelity(adult, SynthesisPlan.Method.INDEPENDENT, 1, 1);
        assertThat(aim.twoWay()).isLessThan(independent.twoWay());
        assertThat(aim.threeWay()).isLessThan(independent.threeWay());
    }

    @Test
    // the issue's reference: independent marginals without noise score 0.077 (2-way TV). Independent columns drawn
    // from the exact 1-way marginals score 0.0778 under Fidelity's deciles (bench/synth/tv_gap.py); with 8 DP bins
    // sampled uniformly we scored 0.1154, with the default 32 bins the gap is closed
    void noiseFreeIndependentMarginalsScoreTheIssuesReference() throws Exception {
        Assumptions.assumeTrue(SynthFixtures.adultPresent(), "no " + SynthFixtures.ADULT);
        Table adult = Table.read(SynthFixtures.ADULT);
        Fidelity independent = fidelity(adult, SynthesisPlan.Method.INDEPENDENT, 1e6, 1);
        assertThat(independent.twoWay()).isBetween(0.070, 0.085);
    }
}
