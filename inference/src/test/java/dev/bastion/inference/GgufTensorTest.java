package dev.bastion.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GgufTensorTest {
    @Test
    void aTensorKnowsItsElementsRowsAndColumnsInGgmlOrder() {
        GgufTensor t = new GgufTensor("token_embd.weight", GgmlType.Q8_0, new long[] {64, 10, 3}, 0, 30 * 2 * 34);
        assertThat(t.elements()).isEqualTo(1920);
        assertThat(t.cols()).isEqualTo(64);
        assertThat(t.rows()).isEqualTo(30);
        assertThat(t.dims()).isEqualTo(3);
        assertThat(new GgufTensor("v", GgmlType.F32, new long[] {7}, 32, 28).rows()).isEqualTo(1);
    }

    @Test
    void theShapeIsCopiedInAndOutAndTakesPartInEquality() {
        long[] shape = {4, 2};
        GgufTensor t = new GgufTensor("w", GgmlType.F32, shape, 0, 32);
        shape[0] = 8;
        t.shape()[1] = 9;
        assertThat(t.shape()).containsExactly(4, 2);
        assertThat(t).isEqualTo(new GgufTensor("w", GgmlType.F32, new long[] {4, 2}, 0, 32))
                .hasSameHashCodeAs(new GgufTensor("w", GgmlType.F32, new long[] {4, 2}, 0, 32))
                .isNotEqualTo(new GgufTensor("w", GgmlType.F32, new long[] {2, 4}, 0, 32));
        assertThat(t.toString()).isEqualTo("GgufTensor[w, F32, [4, 2], offset 0, 32 bytes]");
    }

    @Test
    void anInvalidTensorIsRefusedByTheRecordItself() {
        assertThatThrownBy(() -> new GgufTensor("", GgmlType.F32, new long[] {1}, 0, 4))
                .hasMessageContaining("name is empty");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F32, new long[0], 0, 0))
                .hasMessageContaining("has 0 dimensions, expected 1 to 4");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, 0, 4))
                .hasMessageContaining("has 5 dimensions");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F32, new long[] {2, 0}, 0, 0))
                .hasMessageContaining("dimension 1 of 0, expected at least 1");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F32, new long[] {1L << 40, 1L << 40}, 0, 0))
                .hasMessageContaining("overflows 64 bits");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.Q4_K, new long[] {128}, 0, 72))
                .hasMessageContaining("rows of 128 elements, not a multiple of the Q4_K block size 256");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.I8, new long[] {1L << 31}, 0, 1L << 31))
                .hasMessageContaining("both must fit in an int");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F32, new long[] {1}, -32, 4))
                .hasMessageContaining("negative offset -32");
        assertThatThrownBy(() -> new GgufTensor("t", GgmlType.F16, new long[] {3}, 0, 12))
                .hasMessageContaining("of 3 F16 elements takes 6 bytes, not 12");
    }
}
