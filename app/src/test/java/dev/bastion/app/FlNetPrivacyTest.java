package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bastion.privacy.fl.DpFedAvg;
import dev.bastion.privacy.fl.net.Control;
import org.junit.jupiter.api.Test;

class FlNetPrivacyTest {

    @Test
    void distributedDpSolvesTheNoiseMultiplierForTheTargetAndAssumesTheSurvivorsTheToleranceLeaves() {
        FlNetPrivacy.Plan p = FlNetPrivacy.plan("Distributed", 2, 1e-5, null, 5, 6, 1.0 / 3, 32);
        assertThat(p.dp()).isTrue();
        assertThat(p.noiseMultiplier()).isEqualTo(DpFedAvg.noiseMultiplierFor(1, 5, 2, 1e-5));
        assertThat(p.guarantee().epsilonTightest()).isLessThanOrEqualTo(2.0).isGreaterThan(1.0);
        assertThat(p.declaredEpsilon(7)).isEqualTo(p.guarantee().epsilonTightest());
        assertThat(p.privacy()).as("the task carries the rounds and delta its epsilon is computed over")
                .isEqualTo(new Control.Privacy("distributed", p.noiseMultiplier(), 4, 32, 5, 1e-5));
        assertThat(p.guarantee().epsilonTightestWithoutSampling()).isEqualTo(p.guarantee().epsilonTightest());
    }

    @Test
    void aGivenNoiseMultiplierIsUsedAsIsAndOffDeclaresWhatWasAsked() {
        FlNetPrivacy.Plan central = FlNetPrivacy.plan("central", 0, 1e-5, 3.0, 10, 4, 0.25, 32);
        assertThat(central.noiseMultiplier()).isEqualTo(3.0);
        assertThat(central.privacy().central()).isTrue();
        FlNetPrivacy.Plan off = FlNetPrivacy.plan("off", 0.7, 1e-5, null, 10, 4, 0.25, 32);
        assertThat(off.dp()).isFalse();
        assertThat(off.privacy()).isEqualTo(Control.Privacy.NONE);
        assertThat(off.declaredEpsilon(0.7)).isEqualTo(0.7);
    }

    @Test
    void dpWithoutATargetOrAnUnknownModeIsRefused() {
        assertThatThrownBy(() -> FlNetPrivacy.plan("central", 0, 1e-5, null, 10, 4, 0.25, 32))
                .hasMessageContaining("--epsilon");
        assertThatThrownBy(() -> FlNetPrivacy.plan("local", 1, 1e-5, null, 10, 4, 0.25, 32))
                .hasMessageContaining("--dp is off, central or distributed");
    }
}
