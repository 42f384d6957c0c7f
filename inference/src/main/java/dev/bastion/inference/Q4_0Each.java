package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorKernels#dotQ4_0} for one Q4_0 row and several inputs at once, for {@link WeightMatrix#matvecEach}
 * (the decode rows of a batch): each block of 32 quants is loaded and converted to floats once, and each input's
 * float arithmetic is then exactly that of {@code dotQ4_0} alone (the same operations on the same values in the
 * same order), so each result has its bits.
 *
 * <p>This class is stateless and thread-safe.
 */
final class Q4_0Each {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    private static final int LANES = VectorKernels.LANES;
    private static final VectorSpecies<Byte> B = VectorKernels.AVAILABLE
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final FloatVector MINUS_8 = FloatVector.broadcast(F, -8f);

    private Q4_0Each() {
    }

    /*
     * What is shared and what is not. dotQ4_0 spends per block of 32: one load of 16 bytes, a widening to ints, a
     * mask, a shift and two int-to-float conversions (the weights), the f16 scale converted; then per input two
     * activation loads, an add and three FMAs into the block sum s, and one FMA of s times d into its accumulator.
     * Here the first part is done once per block for all inputs. The second part is dotQ4_0's own, per input, in
     * its order, so the floats are the same. And it removes a latency bound: alone, each block's three FMAs
     * depend on one another and each block's last FMA on the previous block's (acc); with four inputs there are
     * four independent chains to overlap.
     *
     * Inputs are taken four at a time (then two, then one, which is dotQ4_0 itself), each set with its sums in
     * local variables: no arrays in the inner loop and no helper calls with vector arguments (a helper C2 does
     * not inline boxes its vectors; docs/inference-kernels.md, round eleven).
     */

    /**
     * Row {@code r} (at byte {@code off} of {@code w}, {@code cols} quants) times inputs {@code i .. i + 3} of
     * {@code x} (input k at {@code x[k * cols ..]}): {@code out[k * rows + r]} receives each, the bits of
     * {@link VectorKernels#dotQ4_0} for that input alone.
     */
    static void dot4(MemorySegment w, long off, float[] x, int i, int cols, float[] out, int r, int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int x0 = i * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            int xb = 32 * b;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F);
            FloatVector s3 = FloatVector.zero(F);
            for (int g = 0; g < 16; g += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, p + 2 + g, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                FloatVector lo = (FloatVector) q.and(15).convertShape(VectorOperators.I2F, F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
                FloatVector xl = FloatVector.fromArray(F, x, x0 + xb + g);
                FloatVector xh = FloatVector.fromArray(F, x, x0 + xb + 16 + g);
                s0 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s0)));
                xl = FloatVector.fromArray(F, x, x1 + xb + g);
                xh = FloatVector.fromArray(F, x, x1 + xb + 16 + g);
                s1 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s1)));
                xl = FloatVector.fromArray(F, x, x2 + xb + g);
                xh = FloatVector.fromArray(F, x, x2 + xb + 16 + g);
                s2 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s2)));
                xl = FloatVector.fromArray(F, x, x3 + xb + g);
                xh = FloatVector.fromArray(F, x, x3 + xb + 16 + g);
                s3 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s3)));
            }
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT_LE, p)));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
            acc2 = s2.fma(d, acc2);
            acc3 = s3.fma(d, acc3);
        }
        out[i * rows + r] = VectorKernels.sum(acc0);
        out[(i + 1) * rows + r] = VectorKernels.sum(acc1);
        out[(i + 2) * rows + r] = VectorKernels.sum(acc2);
        out[(i + 3) * rows + r] = VectorKernels.sum(acc3);
    }

    /** As {@link #dot4} for inputs {@code i} and {@code i + 1}. */
    static void dot2(MemorySegment w, long off, float[] x, int i, int cols, float[] out, int r, int rows) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int x0 = i * cols;
        int x1 = x0 + cols;
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            int xb = 32 * b;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            for (int g = 0; g < 16; g += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, p + 2 + g, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                FloatVector lo = (FloatVector) q.and(15).convertShape(VectorOperators.I2F, F, 0);
                FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
                FloatVector xl = FloatVector.fromArray(F, x, x0 + xb + g);
                FloatVector xh = FloatVector.fromArray(F, x, x0 + xb + 16 + g);
                s0 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s0)));
                xl = FloatVector.fromArray(F, x, x1 + xb + g);
                xh = FloatVector.fromArray(F, x, x1 + xb + 16 + g);
                s1 = hi.fma(xh, lo.fma(xl, xl.add(xh).fma(MINUS_8, s1)));
            }
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT_LE, p)));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
        }
        out[i * rows + r] = VectorKernels.sum(acc0);
        out[(i + 1) * rows + r] = VectorKernels.sum(acc1);
    }

    /**
     * Row {@code r} times all {@code n} inputs of {@code x}, {@code out[k * rows + r]} receiving input k's
     * product: four at a time, then two, then {@link VectorKernels#dotQ4_0}.
     */
    static void dotEach(MemorySegment w, long off, float[] x, int n, int cols, float[] out, int r, int rows) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            dot4(w, off, x, i, cols, out, r, rows);
        }
        if (i + 2 <= n) {
            dot2(w, off, x, i, cols, out, r, rows);
            i += 2;
        }
        if (i < n) {
            out[i * rows + r] = VectorKernels.dotQ4_0(w, off, x, i * cols, cols);
        }
    }
}
