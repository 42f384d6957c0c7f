package dev.bastion.privacy.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bastion.privacy.dp.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Risk on the shared Adult census extract (32,561 rows) against counts made by hand for issue 19. */
class AdultRiskTest {
    static final Path ADULT = Path.of("..", "..", "shared", "eval-data", "tabular_fairness_adult_german_compas",
            "fairness__data__raw__adult.csv").toAbsolutePath().normalize();
    static Table adult;

    @BeforeAll
    static void read() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(ADULT), "the shared Adult data is not beside the project: " + ADULT);
        adult = Table.read(ADULT);
    }

    @Test
    void sixQuasiIdentifiersGiveTheHandCountedClassesUniquesAndAverageRisk() {
        RiskReport r = RiskReport.assess(adult, List.of("age", "sex", "race", "marital-status", "education",
                "native-country"), Optional.empty(), new RiskReport.Unknown());
        assertThat(r.rows()).isEqualTo(32_561);
        assertThat(r.classes()).isEqualTo(8_553);
        assertThat(r.prosecutor().sampleUniques()).isEqualTo(5_594);
        assertThat((double) r.prosecutor().sampleUniques() / r.rows()).isCloseTo(0.1718, within(0.00005));
        assertThat(r.prosecutor().average()).isCloseTo(0.2627, within(0.00005));
        assertThat(r.prosecutor().highest()).isEqualTo(1.0);
        assertThat(r.k()).isEqualTo(1);
        assertThat((double) r.rowsInClassesSmallerThan5() / r.rows()).isCloseTo(0.3114, within(0.00005));
        assertThat(r.prosecutor().atRiskAbove0_2()).isCloseTo(0.3114, within(0.00005));
    }

    @Test
    void threeQuasiIdentifiersGiveTheHandCountedClassesAndUniques() {
        RiskReport r = RiskReport.assess(adult, List.of("age", "sex", "race"), Optional.empty(),
                new RiskReport.Unknown());
        assertThat(r.classes()).isEqualTo(546);
        assertThat(r.prosecutor().sampleUniques()).isEqualTo(65);
    }

    @Test
    void aSensitiveColumnGetsItsDiversityAndCloseness() {
        RiskReport r = RiskReport.assess(adult, List.of("age", "sex", "race"), Optional.of("income-per-year"),
                new RiskReport.Unknown());
        SensitiveDiversity d = r.sensitive().orElseThrow();
        assertThat(d.distinctL()).isEqualTo(1); // sample uniques hold one income class each
        assertThat(d.numeric()).isFalse();
        assertThat(d.t()).isGreaterThan(0.7).isLessThanOrEqualTo(1.0);
    }
}
