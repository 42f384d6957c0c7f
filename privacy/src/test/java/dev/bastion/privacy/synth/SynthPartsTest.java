package dev.bastion.privacy.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthPartsTest {
    @TempDir
    Path dir;

    @Test
    void simplexProjectionKeepsAPointOnTheSimplexAndOtherwiseClearsTheNoiseFloor() {
        assertThat(Consistency.simplex(new double[] {2, 3, 5}, 10)).containsExactly(2, 3, 5);
        double[] p = Consistency.simplex(new double[] {50, -4, 3, 2, -1}, 50);
        assertThat(Arrays.stream(p).sum()).isCloseTo(50, within(1e-9));
        assertThat(Arrays.stream(p).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        // small positive noise on empty cells goes back to 0, unlike clipping
        assertThat(p[1]).isZero();
        assertThat(p[4]).isZero();
    }

    @Test
    void proportionalFittingMatchesBothMarginsAndKeepsTheInteraction() {
        double[] table = {30, 10, 10, 50};
        double[] fitted = Consistency.fit(table, 2, 2, new double[] {60, 40}, new double[] {50, 50});
        assertThat(fitted[0] + fitted[1]).isCloseTo(60, within(1e-6));
        assertThat(fitted[2] + fitted[3]).isCloseTo(40, within(1e-6));
        assertThat(fitted[0] + fitted[2]).isCloseTo(50, within(1e-6));
        // the odds ratio (dependence) survives fitting, up to the 0.1% independent mixture
        assertThat(fitted[0] * fitted[3] / (fitted[1] * fitted[2])).isCloseTo(15, within(0.5));
    }

    @Test
    void encodingPutsValuesInTheirBinsAndSamplesWholeNumbersInsideThem() {
        Domain.Numeric age = new Domain.Numeric("age", 0, 100, true);
        Domain domain = new Domain(List.of(age, new Domain.Categorical("c", List.of("a", "b"))), "test");
        double[] edges = Encoding.edgesFrom(age, new double[] {10.2, 10.4, 50, 50, 120});
        assertThat(edges).containsExactly(0, 11, 50, 100);
        Encoding enc = new Encoding(domain, new double[][] {edges, null});
        assertThat(Encoding.bin(edges, 10.9)).isZero();
        assertThat(Encoding.bin(edges, 11)).isEqualTo(1);
        assertThat(Encoding.bin(edges, 100)).isEqualTo(2);
        SplittableRandom g = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            long v = Long.parseLong(enc.decode(0, 1, g));
            assertThat(v).isBetween(11L, 49L);
            assertThat(Long.parseLong(enc.decode(0, 2, g))).isBetween(50L, 100L);
        }
        assertThat(enc.decode(1, 1, g)).isEqualTo("b");
    }

    @Test
    void aDomainFileDescribesEveryColumnOrSaysWhichLineIsWrong() throws Exception {
        Path file = dir.resolve("domain.tsv");
        Files.writeString(file, "# public domain\nage\tinteger\t17\t90\nsex\tcategorical\tF\tM\n");
        Domain d = Domain.read(file, List.of("sex", "age"));
        assertThat(d.names()).containsExactly("sex", "age");
        assertThat(d.attributes().get(1)).isEqualTo(new Domain.Numeric("age", 17, 90, true));
        Files.writeString(file, "age\tinteger\t17\nsex\tcategorical\tF\tM\n");
        assertThatThrownBy(() -> Domain.read(file, List.of("sex", "age"))).hasMessageContaining("line 1");
        Files.writeString(file, "age\tinteger\t17\t90\n");
        assertThatThrownBy(() -> Domain.read(file, List.of("sex", "age"))).hasMessageContaining("'sex'");
    }
}
