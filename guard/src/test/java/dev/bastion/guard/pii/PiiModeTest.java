package dev.bastion.guard.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PiiModeTest {

    @Test
    void configNamesParseInAnyCaseAndWithSpaces() {
        assertThat(PiiMode.fromConfig("balanced")).isEqualTo(PiiMode.BALANCED);
        assertThat(PiiMode.fromConfig(" Recall ")).isEqualTo(PiiMode.RECALL);
        for (PiiMode m : PiiMode.values()) {
            assertThat(PiiMode.fromConfig(m.configName())).isEqualTo(m);
        }
    }

    @Test
    void anUnknownModeIsRejectedWithTheValidValuesNamed() {
        assertThatThrownBy(() -> PiiMode.fromConfig("aggressive"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("balanced").hasMessageContaining("recall");
        assertThatThrownBy(() -> PiiMode.fromConfig(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recallHasTheLowerThresholdAndDefaultsIsBalanced() {
        assertThat(PiiMode.RECALL.threshold()).isLessThan(PiiMode.BALANCED.threshold());
        assertThat(PiiScanner.defaults().mode()).isEqualTo(PiiMode.BALANCED);
        assertThat(PiiScanner.defaults(PiiMode.RECALL).mode()).isEqualTo(PiiMode.RECALL);
    }

    @Test
    void recallReportsEverythingBalancedReportsOnTheSameText() {
        String text = "Please send the contract to Jane Miller at 12 Baker Street, London; she was born in 1984 "
                + "and her tax id is 86095742719.";
        var balanced = PiiScanner.defaults(PiiMode.BALANCED).find(text);
        var recall = PiiScanner.defaults(PiiMode.RECALL).find(text);
        for (Recognizer.Candidate b : balanced) {
            assertThat(recall).as("recall covers %s [%d,%d)", b.type(), b.start(), b.end())
                    .anyMatch(r -> r.start() <= b.start() && r.end() >= b.end());
        }
        assertThat(recall.size()).isGreaterThanOrEqualTo(balanced.size());
    }
}
