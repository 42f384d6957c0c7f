package dev.bastion.privacy.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AccountingTest {

    @Test
    void pureDpRdpIsTheRandomisedResponseDivergence() {
        for (double eps : new double[] {0.1, 1, 3}) {
            double p = Math.exp(eps) / (1 + Math.exp(eps));
            for (double a : new double[] {1.5, 2, 8, 40}) {
                double direct = Math.log(Math.pow(p, a) * Math.pow(1 - p, 1 - a) + Math.pow(1 - p, a)
                        * Math.pow(p, 1 - a)) / (a - 1);
                assertThat(RdpAccountant.pureDp(eps, a)).isCloseTo(Math.min(eps, direct), within(1e-9));
            }
        }
    }

    @Test
    void tightestAccountantWinsAndEachKindOfCompositionPicksTheRightOne() {
        Accounting accounting = Accounting.standard();
        // one pure event: pure composition is exact
        Accounting.Spent one = accounting.spent(List.of(new PrivacyEvent.PureDp(0.5)), 0);
        assertThat(one.epsilon()).isEqualTo(0.5);
        assertThat(one.accountant()).isEqualTo("pure");
        // 100 small pure events at delta 1e-6: advanced-composition-like accountants beat the sum (10)
        List<PrivacyEvent> many = java.util.Collections.nCopies(100, new PrivacyEvent.PureDp(0.1));
        Accounting.Spent manySpent = accounting.spent(many, 1e-6);
        assertThat(manySpent.epsilon()).isLessThan(10 * 0.6);
        assertThat(manySpent.accountant()).isIn("zcdp", "rdp", "pld");
        // approximate events add on top and use up delta
        Accounting.Spent mixed = accounting.spent(List.of(new PrivacyEvent.Approximate(0.3, 1e-7),
                new PrivacyEvent.PureDp(0.2)), 1e-6);
        assertThat(mixed.epsilon()).isBetween(0.49, 0.5 + 1e-12);
        assertThat(accounting.spent(List.of(new PrivacyEvent.Approximate(0.3, 1e-5)), 1e-6).epsilon())
                .isInfinite();
        assertThat(accounting.spent(List.of(), 1e-6).epsilon()).isZero();
    }

    @Test
    void zcdpOfAGaussianMatchesTheClosedFormBound() {
        // rho = 1/(2 z^2); the classic bound rho + 2 sqrt(rho log(1/delta)) is never tighter than ours
        double z = 3;
        double rho = 1 / (2 * z * z);
        double ours = new ZcdpAccountant().epsilon(List.of(new PrivacyEvent.Gaussian(z, false)), 1e-6);
        assertThat(ours).isLessThanOrEqualTo(rho + 2 * Math.sqrt(rho * Math.log(1e6)));
        assertThat(ours).isGreaterThan(0.5 * (rho + 2 * Math.sqrt(rho * Math.log(1e6))));
    }

    @Test
    void fftConvolutionAgreesWithTheDirectSum() {
        Random r = new Random(5);
        double[] a = new double[300];
        double[] b = new double[500];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextDouble();
        }
        double[] fast = Fft.convolve(a, b);
        for (int k = 0; k < fast.length; k += 37) {
            double direct = 0;
            for (int i = Math.max(0, k - b.length + 1); i <= Math.min(k, a.length - 1); i++) {
                direct += a[i] * b[k - i];
            }
            assertThat(fast[k]).isCloseTo(direct, within(1e-9 * Math.max(1, direct)));
        }
    }

    @Test
    void pldOfPureDpEventsIsNeverBelowTheExactRandomisedResponseComposition() {
        // k-fold randomised response: delta(eps) computed exactly from the binomial distribution of the loss.
        double e0 = 0.3;
        int k = 20;
        double p = Math.exp(e0) / (1 + Math.exp(e0));
        List<PrivacyEvent> events = java.util.Collections.nCopies(k, new PrivacyEvent.PureDp(e0));
        for (double eps : new double[] {0.5, 1.5, 3}) {
            double exact = 0;
            for (int up = 0; up <= k; up++) {
                double loss = (2 * up - k) * e0;
                if (loss > eps) {
                    double prob = Math.exp(Special.logBinomial(k, up) + up * Math.log(p) + (k - up) * Math.log(1 - p));
                    exact += prob * (1 - Math.exp(eps - loss));
                }
            }
            double pld = new PldAccountant().deltas(events, eps)[0];
            assertThat(pld).as("eps %s", eps).isGreaterThanOrEqualTo(exact * (1 - 1e-9));
            assertThat(pld).as("eps %s", eps).isLessThanOrEqualTo(exact * 1.05 + 1e-12);
        }
    }
}
