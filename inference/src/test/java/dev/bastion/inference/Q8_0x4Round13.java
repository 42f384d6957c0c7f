package dev.bastion.inference;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Q8_0x4#dot4} as it was up to round thirteen, summing the accumulators' lanes through {@link #sumLow8}
 * and {@link #sumHigh8} (then in {@code KQuantInt8}; calls C2 did not inline into the kernel, so each boxed its
 * vector): the reference that {@code Q8_0x4Test} holds the kernel's bits to.
 */
final class Q8_0x4Round13 {

    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** The group's scales as floats, per thread, as in {@link Q8_0x4} (so that a probe times the same work). */
    private static final ThreadLocal<float[]> SCALES = ThreadLocal.withInitial(() -> new float[0]);

    private Q8_0x4Round13() {
    }

    static void dot4(MemorySegment w, short[] xs, float[] xd, int cols, float[] out, int r) {
        int nb = cols / 32;
        float[] sc = SCALES.get();
        if (sc.length < 4 * nb + 15) {
            sc = new float[4 * nb + 15];
            SCALES.set(sc);
        }
        Q8_0x4.halves(w, 0, 4 * nb, sc);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            long p = 8L * nb + 128L * b;
            ShortVector x1 = ShortVector.fromArray(S512, xs, 64 * b);
            ShortVector x2 = ShortVector.fromArray(S512, xs, 64 * b + 32);
            IntVector v01 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 32, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            IntVector v23 = ((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 64, LE)
                    .convertShape(VectorOperators.B2S, S512, 0)).mul(x1)
                    .add(((ShortVector) ByteVector.fromMemorySegment(B256, w, p + 96, LE)
                            .convertShape(VectorOperators.B2S, S512, 0)).mul(x2)).reinterpretAsInts();
            FloatVector xb = FloatVector.broadcast(F, xd[b]);
            FloatVector t01 = ((FloatVector) v01.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v01.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0)).mul(xb);
            FloatVector t23 = ((FloatVector) v23.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v23.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0)).mul(xb);
            a0 = t01.fma(FloatVector.broadcast(F, sc[4 * b]), a0);
            a1 = t01.fma(FloatVector.broadcast(F, sc[4 * b + 1]), a1);
            a2 = t23.fma(FloatVector.broadcast(F, sc[4 * b + 2]), a2);
            a3 = t23.fma(FloatVector.broadcast(F, sc[4 * b + 3]), a3);
        }
        out[r] = sumLow8(a0);
        out[r + 1] = sumHigh8(a1);
        out[r + 2] = sumLow8(a2);
        out[r + 3] = sumHigh8(a3);
    }

    /** Lanes 0-7 of {@code a} summed in a fixed tree order (lane i + 4, then + 2, then + 1). */
    static float sumLow8(FloatVector a) {
        FloatVector t = a.add(a.rearrange(KQuantInt8.PLUS_4));
        t = t.add(t.rearrange(KQuantInt8.PLUS_2));
        return t.add(t.rearrange(KQuantInt8.PLUS_1)).lane(0);
    }

    /** Lanes 8-15 of {@code a}, as {@link #sumLow8} sums lanes 0-7. */
    static float sumHigh8(FloatVector a) {
        return sumLow8(a.rearrange(KQuantInt8.PLUS_8));
    }
}
