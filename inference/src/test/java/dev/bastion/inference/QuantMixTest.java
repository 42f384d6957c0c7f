package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The K-quant mixes give Q6_K to the tensors llama.cpp's quantiser gives it, and the base type to the rest. */
class QuantMixTest {

    @Test
    void q4_K_M_ofSixteenLayers_givesQ6_KToHalfOfAttnVAndFfnDown_asLlamaCppsUseMoreBits() {
        List<Integer> more = new ArrayList<>();
        for (int l = 0; l < 16; l++) {
            GgmlType v = QuantMix.Q4_K_M.typeOf("blk." + l + ".attn_v.weight", l, 16, true);
            GgmlType down = QuantMix.Q4_K_M.typeOf("blk." + l + ".ffn_down.weight", l, 16, true);
            assertThat(down).as("layer %d", l).isEqualTo(v);
            if (v == GgmlType.Q6_K) {
                more.add(l);
            } else {
                assertThat(v).isEqualTo(GgmlType.Q4_K);
            }
        }
        // first and last eighth (0, 1, 14, 15) and every third layer after the first eighth (4, 7, 10, 13)
        assertThat(more).containsExactly(0, 1, 4, 7, 10, 13, 14, 15);
    }

    @Test
    void theOutputHead_getsQ6_K_andSoDoesATiedEmbedding_butAnUntiedEmbeddingKeepsTheBaseType() {
        assertThat(QuantMix.Q5_K_M.typeOf("output.weight", 0, 16, false)).isEqualTo(GgmlType.Q6_K);
        assertThat(QuantMix.Q5_K_M.typeOf("token_embd.weight", 0, 16, true)).isEqualTo(GgmlType.Q6_K);
        assertThat(QuantMix.Q5_K_M.typeOf("token_embd.weight", 0, 16, false)).isEqualTo(GgmlType.Q5_K);
    }

    @Test
    void otherMatrices_andPureFiles_keepTheBaseType() {
        for (String t : List.of("attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up")) {
            assertThat(QuantMix.Q4_K_M.typeOf("blk.0." + t + ".weight", 0, 16, true)).as(t).isEqualTo(GgmlType.Q4_K);
        }
        assertThat(QuantMix.pure(GgmlType.Q6_K).typeOf("blk.3.attn_q.weight", 3, 16, true)).isEqualTo(GgmlType.Q6_K);
        assertThat(QuantMix.pure(GgmlType.Q4_0).typeOf("output.weight", 0, 16, false)).isEqualTo(GgmlType.Q4_0);
    }
}
