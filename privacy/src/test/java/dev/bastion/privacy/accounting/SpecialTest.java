package dev.bastion.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.api.Test;

class SpecialTest {

    @Test
    void erfcMatchesReferenceValuesFromTheCentreToTheFarTail() {
        assertThat(Special.erfc(0)).isEqualTo(1.0);
        assertThat(Special.erfc(0.5)).isCloseTo(0.4795001221869535, withPercentage(1e-10));
        assertThat(Special.erfc(1)).isCloseTo(0.15729920705028513, withPercentage(1e-10));
        assertThat(Special.erfc(1.4999)).isCloseTo(0.0339067465, withPercentage(1e-4)); // continuity at the switch
        assertThat(Special.erfc(1.5)).isCloseTo(0.033894853524689274, withPercentage(1e-10));
        assertThat(Special.erfc(3)).isCloseTo(2.209049699858544e-05, withPercentage(1e-10));
        assertThat(Special.erfc(10)).isCloseTo(2.088487583762545e-45, withPercentage(1e-9));
        assertThat(Special.erfc(-1)).isCloseTo(1.8427007929497148, withPercentage(1e-10));
        assertThat(Special.logErfc(30)).isCloseTo(-900 - Math.log(30 * Math.sqrt(Math.PI)) - 1.0 / 1800,
                withPercentage(1e-6));
    }

    @Test
    void normalQuantileInvertsTheDistributionFunction() {
        assertThat(Special.normalQuantile(0.975)).isCloseTo(1.959963984540054, withPercentage(1e-10));
        for (double p : new double[] {1e-12, 0.001, 0.3, 0.5, 0.9, 0.999999}) {
            assertThat(Special.normalCdf(Special.normalQuantile(p))).isCloseTo(p, withPercentage(1e-8));
        }
    }

    @Test
    void logGammaMatchesFactorialsAndHalfIntegers() {
        assertThat(Special.logGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), withPercentage(1e-10));
        assertThat(Special.logGamma(11)).isCloseTo(Math.log(3628800), withPercentage(1e-12));
        assertThat(Special.logBinomial(10, 3)).isCloseTo(Math.log(120), withPercentage(1e-12));
    }
}
