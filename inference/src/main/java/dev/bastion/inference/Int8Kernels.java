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
 * The Q8_0 matvec kernel with int8 activations, as llama.cpp does it: x is rounded once per matvec to blocks
 * of 32 int8 values with a float scale each ({@link Q8}), then each block's dot is an integer sum scaled by
 * d_w * d_x. Measured faster than {@link VectorKernels#dotQ8_0} for Q8_0 (much faster on 8192-element rows,
 * where 8 KB of int8 activations stay in L1 and 32 KB of floats do not); for Q4_0 row by row the same idea was no
 * faster than the float kernel, but on rows interleaved by four it is ({@link Q4_0x4}). The scalar twin is
 * {@link ScalarKernels#dotQ8_0Int8}.
 *
 * <p>The result differs from the exact float product by the activation rounding: at most
 * {@code sum_i |w_i| * max|x_block(i)| / 254} per row. This class needs 512-bit vectors ({@link #AVAILABLE}).
 * It is stateless and thread-safe.
 */
final class Int8Kernels {

    /** Whether the platform's preferred vectors are 512 bits wide, which these kernels assume. */
    static final boolean AVAILABLE = FloatVector.SPECIES_PREFERRED.vectorBitSize() == 512;

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Int8Kernels() {
    }

    /**
     * Activations rounded to blocks of 32: {@code x[i] ~ d[i / 32] * q[i]}, {@code q} in [-127, 127].
     *
     * @param q the int8 values, a whole number of blocks
     * @param d one scale per block
     */
    record Q8(byte[] q, float[] d) {
        Q8 {
            if (q.length != 32 * d.length) {
                throw new IllegalArgumentException(q.length + " int8 activations do not make " + d.length
                        + " blocks of 32");
            }
        }

        /** The first {@code n} (a multiple of 32) values of {@code x}, rounded to the nearest step of their block. */
        static Q8 of(float[] x, int n) {
            if (n % 32 != 0 || n > x.length) {
                throw new IllegalArgumentException("cannot quantise " + n + " of " + x.length
                        + " activations in blocks of 32");
            }
            return allocate(n).quantize(x);
        }

        /** Zeroed buffers for {@code n} (a positive multiple of 32) activations, to be filled by {@link #quantize}. */
        static Q8 allocate(int n) {
            if (n <= 0 || n % 32 != 0) {
                throw new IllegalArgumentException("cannot hold " + n + " activations in blocks of 32");
            }
            return new Q8(new byte[n], new float[n / 32]);
        }

        /** Rounds the first {@code q.length} values of {@code x} into this record's arrays and returns it. */
        Q8 quantize(float[] x) {
            if (q.length > x.length) {
                throw new IllegalArgumentException("cannot quantise " + q.length + " of " + x.length + " activations");
            }
            for (int b = 0; b < d.length; b++) {
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
            return this;
        }
    }

    /*
     * Sum of 32 int8 products per block: widen both to 32 shorts, multiply (|p| <= 127 * 128 fits a short),
     * then add neighbouring shorts as ints: the low short of each int lane, sign-extended, plus the high one.
     */
    static IntVector pairSums(ShortVector p) {
        IntVector v = p.reinterpretAsInts();
        return v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(v.lanewise(VectorOperators.ASHR, 16));
    }

    /** The dot of the Q8_0 row at {@code off} with activations {@code x} (first {@code cols} of them). */
    static float dotQ8_0(MemorySegment w, long off, Q8 x, int cols) {
        FloatVector acc = FloatVector.zero(F);
        byte[] xq = x.q();
        float[] xd = x.d();
        for (int b = 0; b < cols / 32; b++) {
            long p = off + 34L * b;
            ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(B256, w, p + 2, LE)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector xv = (ShortVector) ByteVector.fromArray(B256, xq, 32 * b)
                    .convertShape(VectorOperators.B2S, S512, 0);
            IntVector s = pairSums(wq.mul(xv));
            acc = ((FloatVector) s.convertShape(VectorOperators.I2F, F, 0))
                    .fma(FloatVector.broadcast(F, f16(w, p) * xd[b]), acc);
        }
        return KQuantInt8.sum16(acc); // fixed order, the same interpreted and compiled
    }
}
