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
 * The int8-activation idea of {@link Int8Kernels} applied to Q4_0, kept in test code because it measured about
 * 4x slower than the float kernel {@link VectorKernels#dotQ4_0} (see {@link KernelBench}): moving the high
 * nibbles of 16 bytes next to the low ones costs cross-lane shuffles. 512-bit vectors only.
 */
final class Int8Q4_0 {

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Int8Q4_0() {
    }

    static float dotQ4_0(MemorySegment w, long off, Int8Kernels.Q8 x, int cols) {
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
            IntVector s = Int8Kernels.pairSums(wq.mul(xv));
            acc = ((FloatVector) s.convert(VectorOperators.I2F, 0)).fma(
                    FloatVector.broadcast(F, f16(w, p) * x.d()[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
