package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The int8-activation idea of {@link Int8Kernels} applied to Q4_0, kept in test code because it measured no
 * faster than the float kernel {@link VectorKernels#dotQ4_0} (see {@link KernelBench}; 1 thread, 2048x2048:
 * 77 vs 75 ns/row, 8192x2048: 75 vs 74; with two block accumulators 85 vs 73). An earlier version that moved
 * the high nibbles next to the low ones with cross-lane shuffles was 4x slower. 512-bit vectors only.
 */
final class Int8Q4_0 {

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private Int8Q4_0() {
    }

    /** The int8 activations widened to shorts, the operand layout of the kernel. */
    static short[] widen(Int8Kernels.Q8 x) {
        byte[] q = x.q();
        short[] s = new short[q.length];
        for (int i = 0; i < q.length; i++) {
            s[i] = q[i];
        }
        return s;
    }

    static float dotQ4_0(MemorySegment w, long off, Int8Kernels.Q8 x, int cols) {
        return dotQ4_0(w, off, widen(x), x.d(), cols);
    }

    /*
     * No shuffles: the 16 bytes of a block widened to 16 shorts give the low nibbles (elements 0-15) by a mask
     * and the high nibbles (16-31) by a shift, each times its half of the block's activations, already shorts.
     * |(q - 8) * x| <= 8 * 127 = 1016, so a lane's two products add up within a short; the 16 lane sums go to
     * floats, scaled by d_w * d_x into a float accumulator.
     */
    static float dotQ4_0(MemorySegment w, long off, short[] xs, float[] xd, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            ShortVector q = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 2, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
            ShortVector lo = q.and((short) 15).sub((short) 8).mul(ShortVector.fromArray(S256, xs, 32 * b));
            ShortVector hi = q.lanewise(VectorOperators.LSHR, 4).sub((short) 8)
                    .mul(ShortVector.fromArray(S256, xs, 32 * b + 16));
            FloatVector sum = (FloatVector) lo.add(hi).convertShape(VectorOperators.S2F, F, 0);
            float d = Float.float16ToFloat(w.get(SHORT_LE, p)) * xd[b];
            acc = sum.fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
