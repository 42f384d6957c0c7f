package dev.bastion.inference;

import static dev.bastion.inference.ScalarKernels.f16;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Approach (b), llama.cpp's: the activations quantised once per matvec to int8 blocks of 32 (a float scale
 * each), then integer dot products per block scaled by d_w * d_x. Kept in test code as the measured
 * alternative to the float kernels of {@link VectorKernels}; see {@link KernelBench}. 512-bit vectors only.
 */
final class Int8Kernels {

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Int8Kernels() {
    }

    /** x quantised per 32: {@code q[i]} in [-127, 127] and {@code d[i / 32]} with x ~ d * q. */
    record Q8(byte[] q, float[] d) {
        static Q8 of(float[] x, int n) {
            byte[] q = new byte[n];
            float[] d = new float[n / 32];
            for (int b = 0; b < n / 32; b++) {
                float amax = 0f;
                for (int i = 0; i < 32; i++) {
                    amax = Math.max(amax, Math.abs(x[32 * b + i]));
                }
                float s = amax / 127f;
                float inv = s == 0f ? 0f : 1f / s;
                d[b] = s;
                for (int i = 0; i < 32; i++) {
                    q[32 * b + i] = (byte) Math.round(x[32 * b + i] * inv);
                }
            }
            return new Q8(q, d);
        }
    }

    /*
     * Sum of 32 int8 products per block: widen both to 32 shorts, multiply (|p| <= 127*128 fits a short),
     * then add neighbouring shorts as ints: the low short of each int lane, sign-extended, plus the high one.
     */
    private static IntVector pairSums(ShortVector p) {
        IntVector v = p.reinterpretAsInts();
        return v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(v.lanewise(VectorOperators.ASHR, 16));
    }

    static float dotQ8_0(MemorySegment w, long off, Q8 x, int cols) {
        FloatVector acc = FloatVector.zero(F);
        byte[] xq = x.q();
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 2, LE).convertShape(
                    VectorOperators.B2S, S512, 0);
            ShortVector xv = (ShortVector) ByteVector.fromArray(B256, xq, 32 * b).convertShape(
                    VectorOperators.B2S, S512, 0);
            IntVector s = pairSums(wq.mul(xv));
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0)).fma(
                    FloatVector.broadcast(F, f16(w, p) * x.d()[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static float dotQ4_0(MemorySegment w, long off, Q8 x, int cols) {
        FloatVector acc = FloatVector.zero(F);
        byte[] xq = x.q();
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 18L * b;
            ByteVector q = ByteVector.fromMemorySegment(B128, w, p + 2, LE);
            ByteVector lo = (ByteVector) q.and((byte) 15).reinterpretShape(B256, 0);
            ByteVector hi = (ByteVector) q.lanewise(VectorOperators.LSHR, 4).reinterpretShape(B256, 0);
            ByteVector all = lo.or(hi.unslice(16)).sub((byte) 8);
            ShortVector wq = (ShortVector) all.convertShape(VectorOperators.B2S, S512, 0);
            ShortVector xv = (ShortVector) ByteVector.fromArray(B256, xq, 32 * b).convertShape(
                    VectorOperators.B2S, S512, 0);
            IntVector s = pairSums(wq.mul(xv));
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0)).fma(
                    FloatVector.broadcast(F, f16(w, p) * x.d()[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
