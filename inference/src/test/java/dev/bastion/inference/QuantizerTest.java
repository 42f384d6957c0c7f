package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    /*
     * Bounds on the RMS error relative to the RMS of Gaussian data. With b bits the step is about
     * range / 2^b and uniform rounding error has RMS step / sqrt(12); a 32-element Gaussian block spans about
     * 4 sigma (max-magnitude types about 2 * 2.5 sigma), so Q8_0 ~ 0.006, Q6_K ~ 0.02, Q5_K ~ 0.04,
     * Q4_K ~ 0.08, Q4_0 ~ 0.09. The bounds leave room for 6-bit scale rounding.
     */
    @ParameterizedTest(name = "{0} within {1} relative RMS error")
    @CsvSource({"F32, 0", "F16, 0.0005", "BF16, 0.003", "Q8_0, 0.008", "Q6_K, 0.03", "Q5_K, 0.05",
            "Q4_K, 0.1", "Q4_0, 0.12"})
    void quantizeThenDequantize_staysWithinTheTypesErrorBound(GgmlType type, double bound) {
        Random random = new Random(42);
        float[] values = new float[4096];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 0.02f;
        }
        byte[] q = Quantizer.quantize(type, values);
        assertThat(q).hasSize((int) type.byteSize(values.length));
        float[] back = new float[values.length];
        ScalarKernels.dequantize(type, MemorySegment.ofArray(q), 0, back, 0, values.length);
        double err = 0;
        double sig = 0;
        for (int i = 0; i < values.length; i++) {
            err += (back[i] - values[i]) * (double) (back[i] - values[i]);
            sig += values[i] * (double) values[i];
        }
        assertThat(Math.sqrt(err / sig)).isLessThanOrEqualTo(bound);
    }

    @Test
    void aZeroBlock_quantisesToZeros() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K,
                GgmlType.Q6_K}) {
            float[] back = new float[256];
            ScalarKernels.dequantize(type, MemorySegment.ofArray(Quantizer.quantize(type, new float[256])), 0,
                    back, 0, 256);
            assertThat(back).as(type.name()).containsOnly(0f);
        }
    }

    @Test
    void aLengthThatIsNotWholeBlocks_isRefused() {
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q4_K, new float[300]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q4_K");
    }
}
